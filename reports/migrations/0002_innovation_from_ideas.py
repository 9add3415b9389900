"""The innovation registry moves from ideas to reports, step 1 of 3: reports takes the model
over in Django's state, on the tables ideas made (`ideas_innovation`, `ideas_innovation_ideas`),
and the co-creation invitations point at it. Nothing changes in the database.

Step 2 (ideas 0014) removes the model from ideas' state; it must run after this one, while
the invitations no longer point at ideas' model: `run_before`, so that ideas' migrations name
no app above ideas. Step 3 (reports 0003) renames the tables and moves the content type.
"""
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('ideas', '0006_innovation_report_index'),
        ('reports', '0001_initial'),
    ]
    run_before = [
        ('ideas', '0014_innovation_moves_to_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Innovation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('citizens_initiated', models.BooleanField(default=False, verbose_name='citizens initiated it')),
                        ('citizens_initiated_note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('citizens_promoted', models.BooleanField(default=False, verbose_name='citizens promoted it')),
                        ('citizens_promoted_note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('citizens_cocreated', models.BooleanField(default=False, verbose_name='citizens co-created it')),
                        ('citizens_cocreated_note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1990), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                        ('sector_level', models.CharField(choices=[('municipality', 'Municipality'), ('region', 'Region'), ('state', 'State')], default='municipality', max_length=12, verbose_name='sector level')),
                        ('subsector', models.CharField(choices=[('childcare', 'Childcare'), ('schools', 'Schools and education'), ('elderly_disability', 'Elderly and disability care'), ('health', 'Health'), ('social', 'Social services'), ('employment', 'Employment'), ('technical', 'Technical and environment'), ('culture', 'Culture and leisure'), ('administration', 'Administration'), ('other', 'Other')], default='other', max_length=20, verbose_name='subsector')),
                        ('innovation_type', models.CharField(choices=[('product', 'Product'), ('service', 'Service'), ('process', 'Process or way of organising'), ('communication', 'Way of communicating')], default='service', max_length=14, verbose_name='type of innovation')),
                        ('partner_companies', models.BooleanField(default=False, verbose_name='with companies')),
                        ('partner_associations', models.BooleanField(default=False, verbose_name='with associations or volunteers')),
                        ('partner_public_bodies', models.BooleanField(default=False, verbose_name='with other public bodies')),
                        ('value_quality', models.BooleanField(default=False, verbose_name='better quality')),
                        ('value_efficiency', models.BooleanField(default=False, verbose_name='more efficiency')),
                        ('value_employee_satisfaction', models.BooleanField(default=False, verbose_name='more employee satisfaction')),
                        ('value_citizen_involvement', models.BooleanField(default=False, verbose_name='more citizen involvement')),
                        ('value_political_goals', models.BooleanField(default=False, verbose_name='political goals met')),
                        ('weight', models.DecimalField(decimal_places=6, default=1, help_text="1 for the municipality's own records; survey data carries its own.", max_digits=12, validators=[django.core.validators.MinValueValidator(0)], verbose_name='weight')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('ideas', models.ManyToManyField(blank=True, related_name='innovations', to='ideas.idea', verbose_name='ideas')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='innovations', to='accounts.municipality', verbose_name='municipality')),
                    ],
                    options={
                        'verbose_name': 'innovation',
                        'verbose_name_plural': 'innovations',
                        'ordering': ['-year', 'title'],
                        'indexes': [models.Index(fields=['municipality', 'year'], name='innovation_municipality_year')],
                        'db_table': 'ideas_innovation',
                    },
                ),
                migrations.AlterField(
                    model_name='cocreationinvitation',
                    name='innovation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cocreation_invitations', to='reports.innovation', verbose_name='innovation'),
                ),
            ],
            database_operations=[],
        ),
    ]
