"""An email backend for tests whose sends fail a given number of times, then succeed."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyEmailBackend(LocmemBackend):
    """Raises SMTPException for the next `failures_left` sends, then delivers to mail.outbox.

    The count is on the class because Django makes a new backend for every message.
    """

    failures_left = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise smtplib.SMTPException("451 4.3.0 Mail server busy, try again later")
        return super().send_messages(messages)
