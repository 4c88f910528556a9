"""Kota Malang's calendar: WIB (Asia/Jakarta, UTC+7 all year; no daylight saving since 1964) and today's date there."""

from __future__ import annotations

import datetime as dt

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def today_wib(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(WIB).date()
