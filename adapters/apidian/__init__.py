"""The APIDIAN dialect: the open-source Laravel API (``/api/ubl2.1/...``) most Colombian
software houses run, answered the way it answers, on core's issuing engine."""
