"""The OPD list and the BKPSDM roster (issue 16, section 1): opds (Kota Malang's starting list written in), their change
history, roster imports with their entries and rejected rows, each account's and history row's OPD on the list, and
spend targets per grade (section 1, item 4: a target per month and grade, "" for every grade).

Free-text OPDs written before map to the list where they match a name, short name or code without case or spacing
("diskominfo" becomes Diskominfo); the rest stay as they were, outside the list, until their ASN register again."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.people.models import RosterImportStatus
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from umkm_graph.people.opds import starting_list


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


async def seed_and_map(apps: object, editor: object) -> None:
    client = editor.client  # type: ignore[attr-defined]
    postgres = client.capabilities.dialect == "postgres"

    def mark(i: int) -> str:
        return f"${i}" if postgres else "?"

    def marks(n: int) -> str:
        return ", ".join(mark(i) for i in range(1, n + 1))

    columns = ("code", "name", "short_name", "address", "kecamatan", "kelurahan", "latitude", "longitude", "active")
    _, existing = await client.execute_query("SELECT COUNT(*) FROM opds")
    if tuple(existing[0])[0] == 0:
        for row in starting_list():
            values = [row["code"], row["name"], row["short_name"], row.get("address", ""), row.get("kecamatan", ""),
                      row.get("kelurahan", ""), row.get("latitude"), row.get("longitude"), True]
            await client.execute_query(f"INSERT INTO opds ({', '.join(columns)}, created_at) VALUES "
                                       f"({marks(len(values))}, CURRENT_TIMESTAMP)", values)
        for row in starting_list():
            if "parent" in row:
                await client.execute_query(f"UPDATE opds SET parent_id = (SELECT id FROM opds WHERE code = {mark(1)}) "
                                           f"WHERE code = {mark(2)}",
                                           [row["parent"], row["code"]])
    _, opds = await client.execute_query("SELECT id, code, name, short_name FROM opds")
    by_key: dict[str, tuple[int, str]] = {}
    for opd_id, code, name, short_name in (tuple(r) for r in opds):
        for text in (code, name, short_name):
            by_key.setdefault(_key(text), (opd_id, short_name))
    _, written = await client.execute_query("SELECT DISTINCT opd FROM users WHERE opd IS NOT NULL UNION "
                                            "SELECT DISTINCT opd FROM opd_memberships")
    for (text,) in (tuple(r) for r in written):
        found = by_key.get(_key(text))
        if found is not None:
            for table in ("users", "opd_memberships"):
                await client.execute_query(f"UPDATE {table} SET opd = {mark(1)}, opd_unit_id = {mark(2)} "
                                           f"WHERE opd = {mark(3)}", [found[1], found[0], text])

class Migration(migrations.Migration):
    dependencies = [('models', '0015_promotions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Opd',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=160)),
                ('short_name', fields.CharField(unique=True, max_length=60)),
                ('parent', fields.ForeignKeyField('models.Opd', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.SET_NULL)),
                ('address', fields.CharField(default='', max_length=255)),
                ('kecamatan', fields.CharField(default='', max_length=32)),
                ('kelurahan', fields.CharField(default='', max_length=32)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'opds', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A city department (organisasi perangkat daerah) on the list the city keeps: ASN register into one of them, and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OpdChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opd', fields.ForeignKeyField('models.Opd', source_field='opd_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('changed_by', fields.ForeignKeyField('models.User', source_field='changed_by_id', null=True, db_constraint=True, to_field='id', related_name='opd_changes', on_delete=OnDelete.SET_NULL)),
                ('field', fields.CharField(max_length=32)),
                ('before', fields.CharField(null=True, max_length=255)),
                ('after', fields.CharField(null=True, max_length=255)),
                ('changed_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'opd_changes', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One field of an OPD changed by a city officer (or set when the OPD was created): who, what, when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RosterImport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('month', fields.DateField(db_index=True)),
                ('imported_by', fields.ForeignKeyField('models.User', source_field='imported_by_id', null=True, db_constraint=True, to_field='id', related_name='roster_imports', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=RosterImportStatus.RUNNING, description='RUNNING: RUNNING\nDONE: DONE\nFAILED: FAILED', enum_type=RosterImportStatus, max_length=8)),
                ('digest', fields.CharField(max_length=64)),
                ('total_rows', fields.IntField(default=0)),
                ('processed_rows', fields.IntField(default=0)),
                ('accepted_rows', fields.IntField(default=0)),
                ('rejected_rows', fields.IntField(default=0)),
                ('matched_accounts', fields.IntField(default=0)),
                ('moved_accounts', fields.IntField(default=0)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'roster_imports', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One import of the BKPSDM roster for a month, with its progress: while RUNNING its rows are written in chunks and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RosterEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('roster_import', fields.ForeignKeyField('models.RosterImport', source_field='roster_import_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('nip', fields.CharField(db_index=True, max_length=18)),
                ('name', fields.CharField(max_length=120)),
                ('opd', fields.ForeignKeyField('models.Opd', source_field='opd_id', db_constraint=True, to_field='id', related_name='roster_entries', on_delete=OnDelete.RESTRICT)),
                ('grade', fields.CharField(max_length=8)),
            ],
            options={'table': 'roster_entries', 'app': 'models', 'unique_together': (('roster_import', 'nip'),), 'pk_attr': 'id', 'table_description': "One ASN on an import's roster: NIP, name, OPD and grade (golongan)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RosterRejection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('roster_import', fields.ForeignKeyField('models.RosterImport', source_field='roster_import_id', db_constraint=True, to_field='id', related_name='rejections', on_delete=OnDelete.CASCADE)),
                ('row', fields.IntField()),
                ('field', fields.CharField(max_length=16)),
                ('reason', fields.CharField(max_length=255)),
            ],
            options={'table': 'roster_rejections', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A row of a roster file that was not taken, and why.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OpdMembership',
            name='opd_unit',
            field=fields.ForeignKeyField('models.Opd', source_field='opd_unit_id', null=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='User',
            name='opd_unit',
            field=fields.ForeignKeyField('models.Opd', source_field='opd_unit_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterModelOptions(
            name='SpendTarget',
            options={'table': 'spend_targets', 'app': 'models', 'unique_together': (('effective_from', 'grade'),), 'pk_attr': 'id', 'table_description': "The monthly spend the city asks of each ASN (or of the ASN of one grade), from a month on, until a later month's"},
        ),
        ops.AlterField(
            model_name='SpendTarget',
            name='effective_from',
            field=fields.DateField(),
        ),
        ops.AddField(
            model_name='SpendTarget',
            name='grade',
            field=fields.CharField(default='', max_length=8),
        ),
        ops.AddConstraint(
            model_name='SpendTarget',
            constraint=UniqueConstraint(fields=('effective_from', 'grade'), name=None),
        ),
        ops.RunPython(seed_and_map, ops.RunPython.noop),
    ]
