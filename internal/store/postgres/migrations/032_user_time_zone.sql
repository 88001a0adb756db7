-- An agent's time zone (issue 19): an IANA name such as Europe/Berlin, which the
-- agent UI shows every time in; '' means the instance's default (the account
-- schedule's zone, else UTC). The API's time_zone and iana_time_zone.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
