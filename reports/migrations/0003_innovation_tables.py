"""The innovation registry moves from ideas to reports, step 3 of 3: the tables get reports'
names (`reports_innovation`, and with it the link table `reports_innovation_ideas`), and the
content type follows the model, so its permissions and the admin's history stay attached.
"""
from django.db import migrations


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model('contenttypes', 'ContentType')
    types = ContentType.objects.using(schema_editor.connection.alias)
    old = types.filter(app_label=source, model='innovation')
    if not old.exists():
        return  # a new database: the content type is made after migrating, for the model as it is
    # One for the target exists only if content types were made while the migrations were half
    # done; it is younger and holds no more than the default permissions, so the old row, with
    # what refers to it, takes its place.
    types.filter(app_label=target, model='innovation').delete()
    old.update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, source='ideas', target='reports')


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, source='reports', target='ideas')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('ideas', '0014_innovation_moves_to_reports'),
        ('reports', '0002_innovation_from_ideas'),
    ]

    operations = [
        migrations.AlterModelTable(name='innovation', table=None),
        migrations.RunPython(forwards, backwards),
    ]
