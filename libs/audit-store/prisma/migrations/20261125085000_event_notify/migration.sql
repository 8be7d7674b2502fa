-- Hand-written: wake listeners (the API's subscription feed LISTENs on "stableip_events") when
-- events are committed. Statement-level, no payload: NOTIFY is delivered at commit and identical
-- notifications of one transaction collapse into one, so bulk appends cost one notification.
-- Listeners then read the event table after their id cursor.
CREATE FUNCTION "event_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stableip_events', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER "event_notify" AFTER INSERT ON "event"
  FOR EACH STATEMENT EXECUTE FUNCTION "event_notify"();
