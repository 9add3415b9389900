"""The innovation registry moves from ideas to reports, step 2 of 3: the model leaves ideas'
state. Its tables and rows stay: reports' model uses them (reports 0002 runs before this one
and took the model over; reports 0003 renames the tables).
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0013_sent_mail_and_marks_removed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Innovation')],
            database_operations=[],
        ),
    ]
