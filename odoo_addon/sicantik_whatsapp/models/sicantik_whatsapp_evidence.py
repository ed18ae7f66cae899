# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tamper-evident evidence: every message outcome and consent event, chained per company.

The canonical form and the hashes come from the engine (``evidenceFact``, ``evidenceEntry``,
``evidenceVerify``), so every host computes the same bytes. Appending is two steps:

1. inside the business transaction, a *pending* entry (the canonical fact, no hash yet) is
   created with the outcome it records: both commit or roll back together;
2. after the commit, a short transaction of its own *seals* the company's pending entries in id
   order: it locks the company's head row (``FOR UPDATE``, read committed), numbers them, links
   each to the previous hash and moves the head. Workers appending at once therefore never fork
   the chain, and none of them holds the lock while it talks to a provider. A seal that did not
   run (a worker that died after its commit) is done by the cron or by the next *Verify*.
"""

import json
import logging
import threading
import time
from contextlib import contextmanager

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)

GENESIS = "0" * 64
#: Messages in these states have an outcome: they must have a chain entry.
OUTCOME_STATES = ("sent", "failed", "unknown", "deferred")
#: Message fields whose change is an outcome or a delivery status worth chaining.
TRACKED_FIELDS = frozenset(
    {
        "state",
        "delivery_status",
        "provider_id",
        "provider_message_id",
        "body_text",
        "outcome_json",
        "error_code",
    }
)
#: Context key that suppresses chaining (the retention purge: the hashes do not change).
NO_CHAIN = "sicantik_whatsapp_evidence_no_chain"
VERIFY_PAGE = 1000
MANAGER_GROUP = "sicantik_whatsapp.group_sicantik_whatsapp_manager"


def now_ms():
    return int(time.time() * 1000)


def datetime_ms(value):
    """Milliseconds of an Odoo (naive UTC) datetime."""
    import datetime

    return int(value.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def _testing():
    return bool(getattr(threading.current_thread(), "testing", False))


class SicantikWhatsappEvidence(models.Model):
    _name = "sicantik.whatsapp.evidence"
    _description = "WhatsApp Evidence Chain Entry"
    _order = "company_id, seq, id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    seq = fields.Integer(
        readonly=True, index=True, help="Position in the company's chain (empty while pending)."
    )
    kind = fields.Char(required=True, readonly=True)
    at = fields.Datetime(string="When", required=True, readonly=True)
    fact_json = fields.Text(string="Canonical Fact", required=True, readonly=True)
    prev_hash = fields.Char(string="Previous Hash", readonly=True)
    hash = fields.Char(readonly=True, index=True)
    message_id = fields.Many2one(
        "sicantik.whatsapp.message", ondelete="set null", index=True, readonly=True
    )
    consent_id = fields.Many2one(
        "sicantik.whatsapp.consent", ondelete="set null", index=True, readonly=True
    )
    partner_id = fields.Many2one("res.partner", ondelete="set null", index=True, readonly=True)

    def _engine(self):
        return self.env["sicantik.whatsapp.dispatcher"]._wasm()

    # ------------------------------------------------------------------
    # Append (pending) and seal
    # ------------------------------------------------------------------

    @api.model
    def _append(self, items):
        """Create pending entries for ``items``: dicts with ``fact`` (an engine ``Fact``, texts
        included: the engine digests them) and optional ``message_id`` / ``consent_id`` /
        ``partner_id``. Returns the normalized facts."""
        engine = self._engine()
        vals_list, facts = [], []
        for item in items:
            fact = engine.call("evidenceFact", item["fact"])
            facts.append(fact)
            vals_list.append(
                {
                    "company_id": fact["company"],
                    "kind": fact["kind"],
                    "at": fields.Datetime.to_datetime(_ms_to_naive(fact["atMs"])),
                    "fact_json": json.dumps(fact, ensure_ascii=False, separators=(",", ":")),
                    "message_id": item.get("message_id") or False,
                    "consent_id": item.get("consent_id") or False,
                    "partner_id": item.get("partner_id") or fact.get("partner") or False,
                }
            )
        if vals_list:
            self.sudo().create(vals_list)
            self._seal_after_commit()
        return facts

    @api.model
    def _seal_after_commit(self):
        cr = self.env.cr
        if cr.postcommit.data.get("sicantik_whatsapp_evidence_seal"):
            return
        cr.postcommit.data["sicantik_whatsapp_evidence_seal"] = True
        dbname = self.env.cr.dbname
        registry = self.env.registry

        engine = self._engine()

        def seal():
            try:
                with registry.cursor() as new_cr:
                    new_cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    seal_cursor(new_cr, engine)
            except Exception:  # pylint: disable=broad-except
                # The entries stay pending: the cron or the next Verify seals them.
                _logger.exception("WhatsApp evidence of %s not sealed after commit", dbname)

        cr.postcommit.add(seal)

    @contextmanager
    def _own_env(self):
        """An environment on a short read-committed transaction of its own (committed on exit);
        the current one in tests, whose data is never committed."""
        if _testing() or self.env.registry.test_cr is not None:
            yield self.env(su=True)
            return
        with self.env.registry.cursor() as cr:
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            yield api.Environment(cr, SUPERUSER_ID, dict(self.env.context))

    @api.model
    def _seal(self):
        """Seal every pending entry (all companies); returns how many."""
        with self._own_env() as env:
            return env["sicantik.whatsapp.evidence"]._seal_here()

    @api.model
    def _seal_here(self):
        self.env.flush_all()
        sealed = seal_cursor(self.env.cr, self._engine())
        self.invalidate_model()
        self.env["sicantik.whatsapp.evidence.head"].invalidate_model()
        return sealed

    @api.model
    def _cron_seal(self):
        return self._seal()


class SicantikWhatsappEvidenceHead(models.Model):
    """The head of a company's chain: its row lock serializes the seals."""

    _name = "sicantik.whatsapp.evidence.head"
    _description = "WhatsApp Evidence Chain"
    _rec_name = "company_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    seq = fields.Integer(string="Entries", readonly=True, default=0)
    hash = fields.Char(string="Head Hash", readonly=True, default=GENESIS)
    last_verify_date = fields.Datetime(string="Last Verified", readonly=True)
    last_verify_valid = fields.Boolean(string="Intact", readonly=True)
    last_verify_text = fields.Char(string="Verification Result", readonly=True)

    _sql_constraints = [("company_uniq", "unique(company_id)", "One evidence chain per company.")]

    def action_verify(self):
        """Verify the chains of these companies (managers, own companies only)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only WhatsApp managers can verify the evidence chain."))
        self.check_access("read")
        for head in self:
            if head.company_id not in self.env.user.company_ids:
                raise AccessError(_("You cannot verify another company's evidence chain."))
        results = []
        for head in self.sudo():
            result = self.env["sicantik.whatsapp.evidence"]._verify(head.company_id)
            head.write(
                {
                    "last_verify_date": fields.Datetime.now(),
                    "last_verify_valid": result["valid"],
                    "last_verify_text": result["text"],
                }
            )
            results.append(result)
        ok = all(r["valid"] for r in results)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Evidence chain intact") if ok else _("Evidence chain broken"),
                "message": "\n".join(r["text"] for r in results),
                "type": "success" if ok else "danger",
                "sticky": not ok,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def action_open_chains(self):
        """The chain list of the user's companies (rows created on first sight)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only WhatsApp managers can see the evidence chain."))
        existing = self.sudo().search([]).company_id
        missing = self.env.user.company_ids - existing
        if missing:
            self.sudo().create([{"company_id": c.id, "seq": 0, "hash": GENESIS} for c in missing])
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sicantik_whatsapp.sicantik_whatsapp_evidence_head_action"
        )


def seal_cursor(cr, engine):
    """Seal every pending entry, per company, on ``cr`` (plain SQL: usable without an
    environment, e.g. after a commit); returns how many. Run it in a read-committed transaction of
    its own: the head row's lock then waits for a concurrent seal and reads its result."""
    cr.execute("SELECT DISTINCT company_id FROM sicantik_whatsapp_evidence WHERE seq IS NULL")
    companies = [row[0] for row in cr.fetchall()]
    sealed = 0
    for company_id in companies:
        cr.execute(
            "INSERT INTO sicantik_whatsapp_evidence_head (company_id, seq, hash) "
            "VALUES (%s, 0, %s) ON CONFLICT (company_id) DO NOTHING",
            (company_id, GENESIS),
        )
        # The lock that serializes appends to this company's chain.
        cr.execute(
            "SELECT seq, hash FROM sicantik_whatsapp_evidence_head "
            "WHERE company_id = %s FOR UPDATE",
            (company_id,),
        )
        seq, head = cr.fetchone()
        seq, head = seq or 0, head or GENESIS
        cr.execute(
            "SELECT id, fact_json FROM sicantik_whatsapp_evidence "
            "WHERE company_id = %s AND seq IS NULL ORDER BY id FOR UPDATE",
            (company_id,),
        )
        for entry_id, fact_json in cr.fetchall():
            entry = engine.call(
                "evidenceEntry", {"fact": json.loads(fact_json), "seq": seq + 1, "prevHash": head}
            )
            cr.execute(
                "UPDATE sicantik_whatsapp_evidence SET seq = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                (entry["seq"], entry["prevHash"], entry["hash"], entry_id),
            )
            seq, head = entry["seq"], entry["hash"]
            sealed += 1
        cr.execute(
            "UPDATE sicantik_whatsapp_evidence_head SET seq = %s, hash = %s, write_date = now() "
            "WHERE company_id = %s",
            (seq, head, company_id),
        )
    return sealed


def _ms_to_naive(ms):
    import datetime

    return datetime.datetime.fromtimestamp(int(ms) / 1000.0, tz=datetime.timezone.utc).replace(
        tzinfo=None
    )
