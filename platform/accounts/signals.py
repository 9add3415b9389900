"""What accounts tells the layers above it, without knowing them.

`credentials_changed` is sent when what an account signs in with changed in a way that must
end what was granted under the old credentials: its password changed (whichever way: the
form, a reset, the admin), or its first second factor was added. The API (restapi) withdraws
the tokens it issued under the old credentials.
"""
from django.dispatch import Signal

#: Sent with `user` and `reason` ("password" or "second_factor").
credentials_changed = Signal()
