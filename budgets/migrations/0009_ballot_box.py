"""The ballot box (budgets.ballotbox): sealed ballots, key holders, counted ballot lists.

Ballots stored before this migration were plain: nothing can seal them after the fact, so
each election's are moved into its counted list (shuffled), as an opening would, and the
typed paper ballots waiting for confirmation are sealed with the pending-data key."""
import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def ballots_to_counted_lists(apps, schema_editor):
    from budgets.secrecy import seal_paper

    Ballot = apps.get_model("budgets", "Ballot")
    CountedBallots = apps.get_model("budgets", "CountedBallots")
    PaperBallot = apps.get_model("budgets", "PaperBallot")
    lists: dict[tuple, list] = {}
    for process_id, budget_id, content in Ballot.objects.values_list("process_id", "district_budget_id", "content"):
        lists.setdefault((process_id, budget_id), []).append(content)
    for (process_id, budget_id), contents in lists.items():
        secrets.SystemRandom().shuffle(contents)
        CountedBallots.objects.create(process_id=process_id, district_budget_id=budget_id, contents=contents)
    Ballot.objects.all().delete()
    for paper in PaperBallot.objects.filter(confirmed_by__isnull=True):
        paper.sealed_content = seal_paper(paper.content)
        paper.save(update_fields=["sealed_content"])


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0008_ballot_fewer_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BallotBox',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_key', models.BinaryField()),
                ('threshold', models.PositiveSmallIntegerField(verbose_name='shares needed to open the box')),
                ('prepared_at', models.DateTimeField(auto_now_add=True)),
                ('board', models.JSONField(blank=True, default=dict)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('opened_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'ballot box',
                'verbose_name_plural': 'ballot boxes',
            },
        ),
        migrations.CreateModel(
            name='CountedBallots',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contents', models.JSONField(default=list)),
            ],
        ),
        migrations.CreateModel(
            name='KeyHolder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('index', models.PositiveSmallIntegerField()),
                ('share_check', models.CharField(max_length=64)),
                ('pending_share', models.BinaryField(blank=True, null=True)),
                ('collected_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['box', 'index'],
            },
        ),
        migrations.AddField(
            model_name='ballotbox',
            name='opened_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='ballotbox',
            name='prepared_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='ballotbox',
            name='process',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='ballot_box', to='budgets.budgetprocess'),
        ),
        migrations.AddField(
            model_name='countedballots',
            name='district_budget',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='budgets.districtbudget'),
        ),
        migrations.AddField(
            model_name='countedballots',
            name='process',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='counted_ballots', to='budgets.budgetprocess'),
        ),
        migrations.AddField(
            model_name='keyholder',
            name='box',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='holders', to='budgets.ballotbox'),
        ),
        migrations.AddField(
            model_name='keyholder',
            name='member',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='key_shares', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='countedballots',
            constraint=models.UniqueConstraint(condition=models.Q(('district_budget__isnull', True)), fields=('process',), name='counted_ballots_once_citywide'),
        ),
        migrations.AddConstraint(
            model_name='countedballots',
            constraint=models.UniqueConstraint(condition=models.Q(('district_budget__isnull', False)), fields=('district_budget',), name='counted_ballots_once_per_district_budget'),
        ),
        migrations.AddConstraint(
            model_name='keyholder',
            constraint=models.UniqueConstraint(fields=('box', 'index'), name='key_holder_unique_index'),
        ),
        migrations.AddConstraint(
            model_name='keyholder',
            constraint=models.UniqueConstraint(fields=('box', 'member'), name='key_holder_unique_member'),
        ),
        migrations.AddField(
            model_name='paperballot',
            name='sealed_content',
            field=models.BinaryField(blank=True, default=b''),
        ),
        migrations.RunPython(ballots_to_counted_lists, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='ballot',
            name='ballot_unsealed',
        ),
        migrations.RemoveIndex(
            model_name='ballot',
            name='ballot_receipt',
        ),
        migrations.RemoveField(
            model_name='ballot',
            name='channel',
        ),
        migrations.RemoveField(
            model_name='ballot',
            name='content',
        ),
        migrations.RemoveField(
            model_name='ballot',
            name='receipt_hash',
        ),
        migrations.RemoveField(
            model_name='ballot',
            name='sealed',
        ),
        migrations.RemoveField(
            model_name='paperballot',
            name='content',
        ),
        migrations.AddField(
            model_name='ballot',
            name='ciphertext',
            field=models.BinaryField(default=b''),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='ballot',
            name='receipt',
            field=models.CharField(default='', max_length=16),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='ballot',
            index=models.Index(fields=['receipt'], name='ballot_receipt'),
        ),
    ]
