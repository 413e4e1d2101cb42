-- index attachments_mail
CREATE INDEX attachments_mail ON attachments (mail_id);
-- index cases_category
CREATE INDEX cases_category ON cases (category);
-- index cases_customer
CREATE INDEX cases_customer ON cases (customer_id);
-- index cases_order
CREATE INDEX cases_order ON cases (order_number);
-- index cases_received
CREATE INDEX cases_received ON cases (received_at);
-- index cases_resolved
CREATE INDEX cases_resolved ON cases (resolved_at) WHERE resolved_at IS NOT NULL;
-- index cases_status
CREATE INDEX cases_status ON cases (status, received_at);
-- index customers_email
CREATE UNIQUE INDEX customers_email ON customers (email) WHERE email IS NOT NULL;
-- index events_case
CREATE INDEX events_case ON events (case_id, at);
-- index events_promise
CREATE INDEX events_promise ON events (case_id, due_at) WHERE kind = 'promise';
-- index followup_state_case
CREATE INDEX followup_state_case ON followup_state (case_id);
-- index idx__sqlite_migrations_migration_set_name
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
-- index mail_case
CREATE INDEX mail_case ON mail (case_id, direction, at);
-- index mail_event
CREATE INDEX mail_event ON mail (event_id);
-- index order_items_order
CREATE INDEX order_items_order ON order_items (order_id);
-- index orders_customer
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
-- index orders_delivered
CREATE INDEX orders_delivered ON orders (delivered_at) WHERE delivered_at IS NOT NULL;
-- index orders_mall_number
CREATE UNIQUE INDEX orders_mall_number ON orders (mall, number);
-- index orders_number
CREATE INDEX orders_number ON orders (number);
-- index orders_shipped
CREATE INDEX orders_shipped ON orders (shipped_at) WHERE shipped_at IS NOT NULL;
-- table _sqlite_migrations
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
-- table attachments
CREATE TABLE attachments (
                id INTEGER PRIMARY KEY,
                mail_id INTEGER NOT NULL REFERENCES mail (id),
                name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL
            );
-- table cases
CREATE TABLE cases (
                id INTEGER PRIMARY KEY,
                received_at TEXT NOT NULL,
                channel TEXT NOT NULL,
                mall TEXT,
                order_number TEXT,
                customer_id INTEGER REFERENCES customers (id),
                category TEXT NOT NULL,
                priority TEXT NOT NULL,
                status TEXT NOT NULL,
                assignee TEXT,
                summary TEXT NOT NULL,
                request TEXT,
                fault TEXT NOT NULL,
                cause TEXT,
                prevention TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                closed_at TEXT
            , awaiting_reply_since TEXT, last_customer_at TEXT, paused_since TEXT, paused_seconds INTEGER NOT NULL DEFAULT 0, resolved_at TEXT, last_message TEXT, undelivered_at TEXT);
-- table customers
CREATE TABLE customers (
                id INTEGER PRIMARY KEY,
                email TEXT,
                name TEXT,
                created_at TEXT NOT NULL
            , lang TEXT);
-- table events
CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                case_id INTEGER NOT NULL REFERENCES cases (id),
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                author TEXT NOT NULL,
                text TEXT,
                note_kind TEXT,
                due_at TEXT,
                amount INTEGER,
                data TEXT
            );
-- table followup_state
CREATE TABLE followup_state (
                fid TEXT PRIMARY KEY,
                case_id INTEGER REFERENCES cases (id),
                done_at TEXT,
                note TEXT,
                snoozed_until TEXT,
                snoozed_at TEXT,
                author TEXT NOT NULL
            );
-- table holidays
CREATE TABLE holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL, imported_at TEXT NOT NULL);
-- table mail
CREATE TABLE mail (
                id INTEGER PRIMARY KEY,
                message_id TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                case_id INTEGER REFERENCES cases (id),
                event_id INTEGER REFERENCES events (id),
                action TEXT NOT NULL,
                at TEXT NOT NULL,
                sender TEXT,
                subject TEXT,
                refs TEXT,
                raw BLOB NOT NULL,
                undelivered_at TEXT
            );
-- table order_items
CREATE TABLE order_items (
                id INTEGER PRIMARY KEY,
                order_id INTEGER NOT NULL REFERENCES orders (id),
                name TEXT NOT NULL,
                sku TEXT,
                quantity INTEGER NOT NULL,
                price NUMERIC
            );
-- table orders
CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                mall TEXT NOT NULL,
                number TEXT NOT NULL,
                customer_id INTEGER REFERENCES customers (id),
                customer_name TEXT,
                customer_email TEXT,
                ordered_at TEXT,
                paid_at TEXT,
                shipped_at TEXT,
                delivered_at TEXT,
                total NUMERIC,
                currency TEXT,
                status TEXT,
                tracking_number TEXT,
                carrier TEXT,
                accepts_marketing INTEGER,
                imported_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
-- trigger events_append_only_delete
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;
-- trigger events_append_only_replace
CREATE TRIGGER events_append_only_replace BEFORE INSERT ON events
            WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;
-- trigger events_append_only_update
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;
