"""The shop balance ledger records what the city owes shops for its programmes' vouchers (issue 14 with issue 17)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from umkm_graph.balances.models import EntryKind
from tortoise import fields

# SQLite alters a column by rebuilding its table, which drops the table's indexes: make them again there.
_INDEXES = {"idx_balance_entries_statement": "shop_id, created_at, id", "idx_balance_entries_shop": "shop_id",
            "idx_balance_entries_payment": "payment_id", "idx_balance_entries_payout": "payout_id"}


async def _restore_indexes(_: object, editor: object) -> None:
    client = editor.client  # type: ignore[attr-defined]
    if client.capabilities.dialect == "sqlite":
        for name, columns in _INDEXES.items():
            await client.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON shop_balance_entries ({columns})")


class Migration(migrations.Migration):
    dependencies = [('models', '0017_growth_spread')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='BalanceEntry',
            name='kind',
            field=fields.CharEnumField(description='SALE: SALE\nFEE: FEE\nREFUND: REFUND\nFEE_RETURNED: FEE_RETURNED\nPAYOUT: PAYOUT\nPAYOUT_RETURNED: PAYOUT_RETURNED\nCITY_SUBSIDY: CITY_SUBSIDY\nSUBSIDY_RETURNED: SUBSIDY_RETURNED', enum_type=EntryKind, max_length=16),
        ),
        ops.RunPython(_restore_indexes, ops.RunPython.noop),
    ]
