"""What each user must know, once: an in-app inbox and e-mail, in the user's language.

Apps declare the kinds of notice they send (``NoticeKind``: a name, a title and a body with
``{facts}``, marked for translation, and whether it is e-mailed by default) in their own
``notices.py`` and register them in ``AppConfig.ready``, as they register daily steps. A
service sends one with ``notice_send(user=…, kind=…, facts=…, key=…)`` inside the transaction of
the change it tells of: the notice is written there (an outbox), so it exists exactly when the
change does, and its ``key`` makes a second send of the same event the same notice. E-mail
goes after the commit and, should the mail server fail, with the next close of business
(``notices.mail``); each user chooses per kind whether to see it in the inbox, by e-mail, both
or neither. Notices are rendered when read, in the reader's language.
"""
