"""pg_trgm for "similar ideas" on PostgreSQL (a trusted extension: a database owner may
create it). Other databases use the fallback in ideas.selectors and need nothing."""
from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]
    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
