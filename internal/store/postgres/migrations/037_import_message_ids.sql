-- Message-IDs of mails that became comments in the helpdesk an account was
-- moved from (issue 21 point 8): Zendesk keeps the Message-ID of a mail it
-- received in its comment's metadata.system.message_id, and `twindesk import
-- zendesk` records it here with the ticket it was imported into. An account
-- whose support address is on its own domain has no support+id{N} reply
-- address, so a customer's later reply names its ticket only through
-- In-Reply-To/References, which list the customer's own earlier mail. Ids are
-- kept without angle brackets, as intake reads them. No content is kept: a
-- Message-ID and a ticket number. Rows outlive a purge, as import_ids do: an
-- escalated ticket's purged number still routes the reply to secure.
CREATE TABLE import_message_ids (
    message_id TEXT   NOT NULL,
    source     TEXT   NOT NULL DEFAULT '',
    ticket_id  BIGINT NOT NULL,
    PRIMARY KEY (message_id, source)
);
