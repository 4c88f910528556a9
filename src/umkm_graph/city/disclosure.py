"""k-anonymity for the monitoring figures: no answer shows a figure about fewer than k people (UMKM_MIN_GROUP_SIZE).

A table's cells (the OPDs of a participation report, the kecamatan of one OPD's spend, the rows of one sales bucket)
each count the people behind them. A cell of 1 to k-1 people is withheld (primary suppression). A withheld cell could
still be recovered by subtracting the shown cells from a total that is shown elsewhere, so when every withheld cell is
small, the smallest cell of k or more people is withheld too (complementary suppression): whatever a subtraction
recovers then covers at least k people. A cell of 0 people shows as 0 unless it is forced out with its row.

What this does not cover: combining different answers (say, one OPD's spend by kecamatan with the city's ASN sales by
kecamatan) can narrow a withheld cell. Choose k with that in mind.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


def withheld(people: Sequence[int], k: int, forced: Collection[int] = ()) -> set[int]:
    """The indexes of the cells to withhold, given how many people each cell counts; `forced` are withheld anyway."""
    hidden = set(forced) | {i for i, n in enumerate(people) if 0 < n < k}
    if hidden and not any(people[i] >= k for i in hidden):
        others = [i for i, n in enumerate(people) if i not in hidden and n >= k]
        if others:
            hidden.add(min(others, key=lambda i: (people[i], i)))
    return hidden


def shown(people: int, k: int) -> bool:
    """Whether a figure about this many people may be shown on its own."""
    return people == 0 or people >= k
