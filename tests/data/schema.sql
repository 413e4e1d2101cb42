-- index attachments_mail
CREATE INDEX attachments_mail ON attachments (mail_id);
-- index cases_category
CREATE INDEX cases_category ON cases (category);
-- index cases_customer
CREATE INDEX cases_customer ON cases (customer_id);
-- index cases_first_reply
CREATE INDEX cases_first_reply ON cases (first_reply_at, received_at)
                WHERE first_reply_at IS NOT NULL;
-- index cases_first_resolved
CREATE INDEX cases_first_resolved ON cases (first_resolved_at, received_at)
                WHERE first_resolved_at IS NOT NULL;
-- index cases_order
CREATE INDEX cases_order ON cases (order_number);
-- index cases_received
CREATE INDEX cases_received ON cases (received_at);
-- index cases_reopened
CREATE INDEX cases_reopened ON cases (last_reopened_at)
                WHERE last_reopened_at IS NOT NULL;
-- index cases_resolved
CREATE INDEX cases_resolved ON cases (resolved_at) WHERE resolved_at IS NOT NULL;
-- index cases_status
CREATE INDEX cases_status ON cases (status, received_at);
-- index customers_email
CREATE UNIQUE INDEX customers_email ON customers (email) WHERE email IS NOT NULL;
-- index events_case
CREATE INDEX events_case ON events (case_id, at);
-- index events_message
CREATE INDEX events_message ON events (at) WHERE kind = 'message';
-- index events_promise
CREATE INDEX events_promise ON events (case_id, due_at) WHERE kind = 'promise';
-- index events_remedy
CREATE INDEX events_remedy ON events (at) WHERE kind = 'remedy';
-- index events_satisfaction
CREATE INDEX events_satisfaction ON events (at) WHERE kind = 'reply_sent'
                AND json_extract(data, '$.template') = 'satisfaction_check';
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
            , awaiting_reply_since TEXT, last_customer_at TEXT, paused_since TEXT, paused_seconds INTEGER NOT NULL DEFAULT 0, resolved_at TEXT, last_message TEXT, undelivered_at TEXT, first_reply_at TEXT, first_resolved_at TEXT, customer_reopened INTEGER NOT NULL DEFAULT 0, last_reopened_at TEXT);
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
-- table report_days
CREATE TABLE report_days (
                start INTEGER PRIMARY KEY,
                end INTEGER NOT NULL,
                reply_seconds BLOB NOT NULL,
                reply_business BLOB NOT NULL,
                on_time INTEGER NOT NULL,
                resolve_seconds BLOB NOT NULL,
                resolve_business BLOB NOT NULL,
                resolved_cases BLOB NOT NULL,
                reopened INTEGER NOT NULL,
                received INTEGER NOT NULL,
                settled INTEGER NOT NULL,
                late INTEGER NOT NULL,
                known INTEGER NOT NULL,
                late_from BLOB NOT NULL,
                kinds TEXT NOT NULL,
                inquiries TEXT NOT NULL
            ) WITHOUT ROWID;
-- table report_days_key
CREATE TABLE report_days_key (key TEXT NOT NULL);
-- table search_queue
CREATE TABLE search_queue (
                id INTEGER PRIMARY KEY,
                entry INTEGER NOT NULL,
                text TEXT NOT NULL,
                remove INTEGER NOT NULL DEFAULT 0
            );
-- table search_terms
CREATE TABLE search_terms (
                term INTEGER NOT NULL,
                entry INTEGER NOT NULL,
                PRIMARY KEY (term, entry)
            ) WITHOUT ROWID;
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
-- trigger report_days_case_added
CREATE TRIGGER report_days_case_added AFTER INSERT ON cases BEGIN
                DELETE FROM report_days WHERE start > unixepoch(NEW.received_at) - 172800 AND start <= unixepoch(NEW.received_at) AND end > unixepoch(NEW.received_at); DELETE FROM report_days WHERE start > unixepoch(NEW.first_reply_at) - 172800 AND start <= unixepoch(NEW.first_reply_at) AND end > unixepoch(NEW.first_reply_at); DELETE FROM report_days WHERE start > unixepoch(NEW.first_resolved_at) - 172800 AND start <= unixepoch(NEW.first_resolved_at) AND end > unixepoch(NEW.first_resolved_at); END;
-- trigger report_days_case_changed
CREATE TRIGGER report_days_case_changed AFTER UPDATE OF id, received_at, first_reply_at, first_resolved_at, mall, priority, category, status, paused_since, paused_seconds, customer_reopened ON cases BEGIN
                DELETE FROM report_days WHERE start > unixepoch(OLD.received_at) - 172800 AND start <= unixepoch(OLD.received_at) AND end > unixepoch(OLD.received_at); DELETE FROM report_days WHERE start > unixepoch(OLD.first_reply_at) - 172800 AND start <= unixepoch(OLD.first_reply_at) AND end > unixepoch(OLD.first_reply_at); DELETE FROM report_days WHERE start > unixepoch(OLD.first_resolved_at) - 172800 AND start <= unixepoch(OLD.first_resolved_at) AND end > unixepoch(OLD.first_resolved_at); DELETE FROM report_days WHERE start > unixepoch(NEW.received_at) - 172800 AND start <= unixepoch(NEW.received_at) AND end > unixepoch(NEW.received_at); DELETE FROM report_days WHERE start > unixepoch(NEW.first_reply_at) - 172800 AND start <= unixepoch(NEW.first_reply_at) AND end > unixepoch(NEW.first_reply_at); DELETE FROM report_days WHERE start > unixepoch(NEW.first_resolved_at) - 172800 AND start <= unixepoch(NEW.first_resolved_at) AND end > unixepoch(NEW.first_resolved_at); END;
-- trigger report_days_case_deleted
CREATE TRIGGER report_days_case_deleted AFTER DELETE ON cases BEGIN
                DELETE FROM report_days WHERE start > unixepoch(OLD.received_at) - 172800 AND start <= unixepoch(OLD.received_at) AND end > unixepoch(OLD.received_at); DELETE FROM report_days WHERE start > unixepoch(OLD.first_reply_at) - 172800 AND start <= unixepoch(OLD.first_reply_at) AND end > unixepoch(OLD.first_reply_at); DELETE FROM report_days WHERE start > unixepoch(OLD.first_resolved_at) - 172800 AND start <= unixepoch(OLD.first_resolved_at) AND end > unixepoch(OLD.first_resolved_at); END;
-- trigger search_cases_customer
CREATE TRIGGER search_cases_customer AFTER UPDATE OF customer_id ON cases WHEN OLD.customer_id IS NOT NEW.customer_id
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((OLD.id) << 3) | 4, cu.name, 1 FROM customers cu WHERE cu.id = OLD.customer_id AND cu.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((OLD.id) << 3) | 5, cu.email, 1 FROM customers cu WHERE cu.id = OLD.customer_id AND cu.email <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((NEW.id) << 3) | 4, cu.name, 0 FROM customers cu WHERE cu.id = NEW.customer_id AND cu.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((NEW.id) << 3) | 5, cu.email, 0 FROM customers cu WHERE cu.id = NEW.customer_id AND cu.email <> '';
END;
-- trigger search_cases_insert
CREATE TRIGGER search_cases_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 0 AS kind UNION ALL SELECT 1 AS kind UNION ALL SELECT 4 AS kind UNION ALL SELECT 5 AS kind UNION ALL SELECT 6 AS kind UNION ALL SELECT 7 AS kind) k WHERE c.id = NEW.id;
END;
-- trigger search_cases_order
CREATE TRIGGER search_cases_order AFTER UPDATE OF order_number, mall ON cases WHEN OLD.order_number IS NOT NEW.order_number OR OLD.mall IS NOT NEW.mall
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((OLD.id) << 3) | 7, i.name, 1 FROM orders o JOIN order_items i ON i.order_id = o.id WHERE OLD.order_number = o.number AND (OLD.mall IS NULL OR OLD.mall = o.mall) AND i.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 7 AS kind) k WHERE c.id = NEW.id;
END;
-- trigger search_cases_order_number
CREATE TRIGGER search_cases_order_number AFTER UPDATE OF order_number ON cases WHEN OLD.order_number IS NOT NEW.order_number
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((OLD.id) << 3) | 6, OLD.order_number, 1 WHERE OLD.order_number <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((NEW.id) << 3) | 6, NEW.order_number, 0 WHERE NEW.order_number <> '';
END;
-- trigger search_cases_request
CREATE TRIGGER search_cases_request AFTER UPDATE OF request ON cases WHEN OLD.request IS NOT NEW.request
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((OLD.id) << 3) | 1, OLD.request, 1 WHERE OLD.request <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((NEW.id) << 3) | 1, NEW.request, 0 WHERE NEW.request <> '';
END;
-- trigger search_cases_summary
CREATE TRIGGER search_cases_summary AFTER UPDATE OF summary ON cases WHEN OLD.summary IS NOT NEW.summary
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((OLD.id) << 3) | 0, OLD.summary, 1 WHERE OLD.summary <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((NEW.id) << 3) | 0, NEW.summary, 0 WHERE NEW.summary <> '';
END;
-- trigger search_customers_email
CREATE TRIGGER search_customers_email AFTER UPDATE OF email ON customers WHEN OLD.email IS NOT NEW.email
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 5, OLD.email, 1 FROM cases c WHERE c.customer_id = OLD.id AND OLD.email <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 5, NEW.email, 0 FROM cases c WHERE c.customer_id = NEW.id AND NEW.email <> '';
END;
-- trigger search_customers_name
CREATE TRIGGER search_customers_name AFTER UPDATE OF name ON customers WHEN OLD.name IS NOT NEW.name
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 4, OLD.name, 1 FROM cases c WHERE c.customer_id = OLD.id AND OLD.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 4, NEW.name, 0 FROM cases c WHERE c.customer_id = NEW.id AND NEW.name <> '';
END;
-- trigger search_events_insert
CREATE TRIGGER search_events_insert AFTER INSERT ON events WHEN NEW.kind IN ('message', 'note')
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((NEW.case_id) << 3) | CASE NEW.kind WHEN 'message' THEN 2 ELSE 3 END, NEW.text, 0 WHERE NEW.text <> '';
END;
-- trigger search_items_delete
CREATE TRIGGER search_items_delete AFTER DELETE ON order_items WHEN EXISTS (SELECT 1 FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = OLD.order_id)
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 7, OLD.name, 1 FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = OLD.order_id AND OLD.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 7 AS kind) k WHERE c.id IN (SELECT c.id FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = OLD.order_id);
END;
-- trigger search_items_moved
CREATE TRIGGER search_items_moved AFTER UPDATE OF order_id ON order_items WHEN OLD.order_id IS NOT NEW.order_id AND EXISTS (SELECT 1 FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = NEW.order_id)
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 7 AS kind) k WHERE c.id IN (SELECT c.id FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = NEW.order_id);
END;
-- trigger search_items_update
CREATE TRIGGER search_items_update AFTER UPDATE OF name, order_id ON order_items WHEN EXISTS (SELECT 1 FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = OLD.order_id)
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 7, OLD.name, 1 FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = OLD.order_id AND OLD.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 7 AS kind) k WHERE c.id IN (SELECT c.id FROM orders o JOIN cases c ON c.order_number = o.number AND (c.mall IS NULL OR c.mall = o.mall) WHERE o.id = OLD.order_id);
END;
-- trigger search_orders_insert
CREATE TRIGGER search_orders_insert AFTER INSERT ON orders WHEN EXISTS (SELECT 1 FROM cases c WHERE c.order_number = NEW.number AND (c.mall IS NULL OR c.mall = NEW.mall))
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 7 AS kind) k WHERE c.order_number = NEW.number AND (c.mall IS NULL OR c.mall = NEW.mall);
END;
-- trigger search_orders_update
CREATE TRIGGER search_orders_update AFTER UPDATE ON orders WHEN EXISTS (SELECT 1 FROM cases c WHERE c.order_number = OLD.number AND (c.mall IS NULL OR c.mall = OLD.mall) OR c.order_number = NEW.number AND (c.mall IS NULL OR c.mall = NEW.mall))
BEGIN
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | 7, i.name, 1 FROM order_items i JOIN cases c ON c.order_number = OLD.number AND (c.mall IS NULL OR c.mall = OLD.mall) WHERE i.order_id = OLD.id AND i.name <> '';
    INSERT INTO search_queue (entry, text, remove) SELECT ((c.id) << 3) | k.kind, '', 0 FROM cases c, (SELECT 7 AS kind) k WHERE c.order_number = OLD.number AND (c.mall IS NULL OR c.mall = OLD.mall) OR c.order_number = NEW.number AND (c.mall IS NULL OR c.mall = NEW.mall);
END;
