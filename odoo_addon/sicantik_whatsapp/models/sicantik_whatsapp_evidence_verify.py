# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Verifying a company's evidence chain: the engine recomputes every hash and link."""

import json

from odoo import _, api, models

from .sicantik_whatsapp_evidence import GENESIS, OUTCOME_STATES, VERIFY_PAGE


class SicantikWhatsappEvidenceVerify(models.Model):
    _inherit = "sicantik.whatsapp.evidence"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _verify(self, company):
        """Walk ``company``'s chain; the engine's report, with the first mismatch named.

        Each entry's hash is recomputed, its link checked, and the latest entry of each message
        (and every consent) compared with the live record: a state edited through SQL shows as
        ``evidence.record_changed``. Outcomes without any entry, deleted records and a truncated
        chain are reported too.
        """
        self._seal()
        with self._own_env() as env:
            return env["sicantik.whatsapp.evidence"]._verify_here(company.id)

    @api.model
    def _verify_here(self, company_id):
        engine = self._engine()
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            "SELECT message_id, max(seq) FROM sicantik_whatsapp_evidence "
            "WHERE company_id = %s AND message_id IS NOT NULL AND seq IS NOT NULL "
            "GROUP BY message_id",
            (company_id,),
        )
        latest = {seq: message_id for message_id, seq in cr.fetchall()}
        cr.execute(
            "SELECT id, seq, prev_hash, hash, fact_json, message_id, consent_id "
            "FROM sicantik_whatsapp_evidence "
            "WHERE company_id = %s AND seq IS NOT NULL ORDER BY seq",
            (company_id,),
        )
        rows = cr.fetchall()
        messages = self.env["sicantik.whatsapp.message"].sudo()
        consents = self.env["sicantik.whatsapp.consent"].sudo()
        prev, first_seq, checked = GENESIS, 1, 0
        for start in range(0, len(rows), VERIFY_PAGE):
            page = rows[start : start + VERIFY_PAGE]
            entries = []
            for entry_id, seq, prev_hash, hash_, fact_json, message_id, consent_id in page:
                fact = json.loads(fact_json)
                stored = {
                    "seq": seq,
                    "prevHash": prev_hash or "",
                    "hash": hash_ or "",
                    "fact": fact,
                }
                missing = (fact.get("message") and not message_id) or (
                    fact.get("consent") and not consent_id
                )
                if missing:
                    return self._report(
                        False, checked + len(entries), seq, entry_id, "evidence.record_missing", []
                    )
                if message_id and latest.get(seq) == message_id:
                    stored["current"] = messages.browse(message_id)._evidence_fact(
                        fact["kind"], fact["atMs"]
                    )
                elif consent_id:
                    stored["current"] = consents.browse(consent_id)._evidence_fact()
                entries.append(stored)
            result = engine.call(
                "evidenceVerify", {"prevHash": prev, "firstSeq": first_seq, "entries": entries}
            )
            checked += result["checked"]
            if not result["valid"]:
                m = result["mismatch"]
                entry_id = page[m["index"]][0]
                return self._report(
                    False, checked, m["seq"], entry_id, m["code"], m.get("fields") or []
                )
            prev, first_seq = result["headHash"], first_seq + len(page)
        cr.execute(
            "SELECT seq, hash FROM sicantik_whatsapp_evidence_head WHERE company_id = %s",
            (company_id,),
        )
        head = cr.fetchone() or (0, GENESIS)
        if head[0] != checked or head[1] != prev:
            return self._report(False, checked, checked + 1, False, "evidence.truncated", [])
        cr.execute(
            "SELECT m.id FROM sicantik_whatsapp_message m "
            "WHERE m.company_id = %s AND m.state IN %s AND NOT EXISTS "
            "(SELECT 1 FROM sicantik_whatsapp_evidence e WHERE e.message_id = m.id) "
            "ORDER BY m.id LIMIT 1",
            (company_id, OUTCOME_STATES),
        )
        row = cr.fetchone()
        if row:
            return self._report(
                False, checked, False, False, "evidence.unchained", [], message_id=row[0]
            )
        return self._report(True, checked, False, False, False, [], head_hash=prev)

    @api.model
    def _report(
        self, valid, checked, seq, entry_id, code, fields_, message_id=None, head_hash=None
    ):
        messages = {
            "evidence.sequence_gap": _("entry %(seq)s is missing or out of order"),
            "evidence.broken_link": _("entry %(seq)s does not link to the entry before it"),
            "evidence.hash_mismatch": _("entry %(seq)s was changed after it was chained"),
            "evidence.record_changed": _(
                "the record of entry %(seq)s was changed afterwards (%(fields)s)"
            ),
            "evidence.record_missing": _("the record of entry %(seq)s was deleted"),
            "evidence.truncated": _("entries from %(seq)s on were removed from the chain"),
            "evidence.unchained": _("message %(message)s has an outcome that was never chained"),
        }
        if valid:
            text = _("The chain is intact: %(count)s entries verified.", count=checked)
        else:
            text = _("First entry that no longer matches: ") + messages[code] % {
                "seq": seq,
                "fields": ", ".join(fields_),
                "message": message_id,
            }
        return {
            "valid": valid,
            "checked": checked,
            "seq": seq,
            "entry_id": entry_id,
            "code": code,
            "fields": fields_,
            "message_id": message_id,
            "head_hash": head_hash,
            "text": text,
        }
