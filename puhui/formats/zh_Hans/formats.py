"""Chinese dates: in tables and lists 2026-12-03 (as Chinese banks and platforms write them),
in running text 2026年12月3日."""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
