"""Referral rewards (issue 17, section 2): a city programme may reward referrals that bought (reward_for), its vouchers
granted to people (promotion_grants), and each referral's reward settled once (reward_settled_at)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.promotions.models import RewardFor
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0022_cod_remittance')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Promotion',
            name='reward_for',
            field=fields.CharEnumField(default=RewardFor.NONE, description='NONE: NONE\nREFERRER: REFERRER\nREFERRED: REFERRED\nBOTH: BOTH', enum_type=RewardFor, max_length=8),
        ),
        ops.AddField(
            model_name='Referral',
            name='reward_settled_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.CreateModel(
            name='PromotionGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('promotion', fields.ForeignKeyField('models.Promotion', source_field='promotion_id', db_index=True, db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='promotion_grants', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'promotion_grants', 'app': 'models', 'pk_attr': 'id', 'table_description': "A reward programme's voucher granted to one person, for a referral (as its referrer or its referred buyer)."},
            bases=['Model'],
        ),
    ]
