# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import json
import shutil
import subprocess
import tempfile
import threading
import unittest

from odoo import fields
from odoo.tests import tagged

from ..models.sicantik_whatsapp_evidence import seal_cursor
from .common import SicantikWhatsappCommon, fonnte_ok, meta_ok, watzap_ok


@tagged("post_install", "-at_install")
class TestEvidence(SicantikWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Evidence = cls.env["sicantik.whatsapp.evidence"]
        cls.company = cls.env.company

    def verify(self):
        return self.Evidence._verify(self.company)

    def test_outcomes_and_consents_are_chained_and_verify(self):
        self.partner_gateway._wa_record_opt_in("manual", evidence="Recorded by test.")
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.E1")])
        self.assertEqual(message.state, "sent")
        self.assertGreater(self.Evidence._seal(), 0)
        entries = self.Evidence.search([("company_id", "=", self.company.id)], order="seq")
        self.assertEqual(entries.mapped("seq"), list(range(1, len(entries) + 1)))
        for prev, entry in zip(entries, entries[1:], strict=False):
            self.assertEqual(entry.prev_hash, prev.hash)
        chained = entries.filtered(lambda e: e.message_id == message)
        self.assertEqual(chained.kind, "message.outcome")
        fact = json.loads(chained.fact_json)
        self.assertEqual(fact["state"], "sent")
        self.assertEqual(fact["provider"], self.meta._engine_id())
        self.assertEqual(fact["bodySha256"], message.body_sha256)
        self.assertNotIn("body", fact, "the chain covers the text's hash, not the text")
        self.assertTrue(entries.filtered(lambda e: e.kind == "consent.opt_in"))
        result = self.verify()
        self.assertTrue(result["valid"], result)
        self.assertEqual(result["checked"], len(entries))
        head = self.env["sicantik.whatsapp.evidence.head"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(head.hash, entries[-1].hash)

    def test_a_state_edited_through_sql_is_caught(self):
        failed, _fake = self.send(self.partner_gateway, responses=[fonnte_ok("1"), fonnte_ok("2")])
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.T1")])
        self.Evidence._seal()
        self.assertTrue(self.verify()["valid"])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_message SET state = 'failed' WHERE id = %s", (message.id,)
        )
        self.env.invalidate_all()
        result = self.verify()
        self.assertFalse(result["valid"])
        self.assertEqual(result["code"], "evidence.record_changed")
        self.assertEqual(result["fields"], ["state"])
        entry = self.Evidence.browse(result["entry_id"])
        self.assertEqual(entry.message_id, message)
        self.assertIn(str(entry.seq), result["text"])
        del failed

    def test_an_edited_entry_and_an_unchained_outcome_are_caught(self):
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.T2")])
        self.Evidence._seal()
        entry = self.Evidence.search([("message_id", "=", message.id)], limit=1)
        fact = json.loads(entry.fact_json)
        fact["providerMessageId"] = "wamid.FORGED"
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_evidence SET fact_json = %s WHERE id = %s",
            (json.dumps(fact), entry.id),
        )
        self.env.invalidate_all()
        result = self.verify()
        self.assertEqual((result["code"], result["entry_id"]), ("evidence.hash_mismatch", entry.id))
        # Restore, then forge an outcome that never went through the ORM.
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_evidence SET fact_json = %s WHERE id = %s",
            (json.dumps(dict(fact, providerMessageId="wamid.T2"), separators=(",", ":")), entry.id),
        )
        self.env.invalidate_all()
        queued = self.env["sicantik.whatsapp.message"].create(
            {
                "partner_id": self.partner_opted_in.id,
                "template_code": "permit_ready",
                "values_json": "{}",
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_message SET state = 'sent' WHERE id = %s", (queued.id,)
        )
        self.env.invalidate_all()
        result = self.verify()
        self.assertEqual(
            (result["code"], result["message_id"]), ("evidence.unchained", queued.id), result
        )

    def test_retention_purges_texts_and_keeps_the_chain_verifiable(self):
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.R1")])
        body_hash = message.body_sha256
        self.assertTrue(message.body_text and body_hash)
        self.env.flush_all()
        old = fields.Datetime.now() - datetime.timedelta(days=400)
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_message SET create_date = %s WHERE id = %s", (old, message.id)
        )
        self.env.invalidate_all()
        recent, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.R2")])
        self.assertEqual(self.Evidence._cron_purge(), 1)
        self.assertFalse(message.body_text or message.outcome_json or message.values_json)
        self.assertFalse(
            message.attempt_ids.mapped("response_masked") != [False] * len(message.attempt_ids)
        )
        self.assertTrue(message.evidence_purged)
        self.assertEqual(message.body_sha256, body_hash)
        self.assertTrue(recent.body_text, "only messages past the retention period are purged")
        self.Evidence._seal()
        purge = self.Evidence.search([("kind", "=", "retention.purge")])
        self.assertEqual(json.loads(purge.fact_json)["purged"], 1)
        result = self.verify()
        self.assertTrue(result["valid"], result)
        # Still tamper-evident after the purge: the kept hash cannot be replaced.
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_message SET body_sha256 = %s WHERE id = %s",
            ("0" * 64, message.id),
        )
        self.env.invalidate_all()
        result = self.verify()
        self.assertEqual(
            (result["code"], result["fields"]), ("evidence.record_changed", ["bodySha256"])
        )

    def test_the_retention_period_is_a_setting(self):
        self.assertEqual(self.Evidence._retention_days(), 365)
        settings = self.env["res.config.settings"].create({"sicantik_wa_retention_days": 30})
        settings.execute()
        self.assertEqual(self.Evidence._retention_days(), 30)

    def test_verify_is_for_managers_of_the_company(self):
        head = self.env["sicantik.whatsapp.evidence.head"].create(
            {"company_id": self.company.id, "seq": 0}
        )
        user = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "evidence_clerk",
                "groups_id": [
                    (6, 0, [self.env.ref("sicantik_whatsapp.group_sicantik_whatsapp_user").id])
                ],
            }
        )
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            head.with_user(user).action_verify()
        action = head.action_verify()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(head.last_verify_valid)

    def test_two_workers_appending_at_once_never_fork_the_chain(self):
        """Two real transactions append and seal concurrently (threads, cursors of their own).

        The threads use plain SQL and the sealing function itself, no ``Environment``: during
        post-install tests the registry lock is held by the test run. The entries are committed
        for real under the test company and removed at the end.
        """
        engine = self.Evidence._engine()
        company_id = self.company.id
        barrier = threading.Barrier(2)
        errors, ids = [], []

        def worker(n):
            try:
                barrier.wait(timeout=10)
                for i in range(10):
                    fact = engine.call(
                        "evidenceFact",
                        {
                            "kind": "retention.purge",
                            "atMs": 1764000000000 + i,
                            "company": company_id,
                            "purged": n,
                            "purgedBeforeMs": i,
                        },
                    )
                    with self.registry.cursor() as cr:  # the business transaction: a pending entry
                        cr.execute(
                            "INSERT INTO sicantik_whatsapp_evidence "
                            "(company_id, kind, at, fact_json) "
                            "VALUES (%s, %s, now() at time zone 'UTC', %s) RETURNING id",
                            (company_id, fact["kind"], json.dumps(fact, separators=(",", ":"))),
                        )
                        ids.append(cr.fetchone()[0])
                    with self.registry.cursor() as cr:  # the seal after its commit
                        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                        seal_cursor(cr, engine)
            except Exception as e:  # pylint: disable=broad-except
                errors.append(e)

        threads = [threading.Thread(target=worker, args=(n,)) for n in (1, 2)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            self.assertFalse(errors, errors)
            with self.registry.cursor() as cr:
                cr.execute(
                    "SELECT seq, prev_hash, hash, fact_json FROM sicantik_whatsapp_evidence "
                    "WHERE id IN %s ORDER BY seq",
                    (tuple(ids),),
                )
                rows = cr.fetchall()
                cr.execute(
                    "SELECT seq, hash FROM sicantik_whatsapp_evidence_head WHERE company_id = %s",
                    (company_id,),
                )
                head = cr.fetchone()
            self.assertEqual(len(rows), 20)
            seqs = [r[0] for r in rows]
            self.assertEqual(
                seqs, list(range(seqs[0], seqs[0] + 20)), "every entry sealed once, in one line"
            )
            self.assertEqual(
                len({r[1] for r in rows}), 20, "no two entries share a predecessor (no fork)"
            )
            result = engine.call(
                "evidenceVerify",
                {
                    "prevHash": rows[0][1],
                    "firstSeq": seqs[0],
                    "entries": [
                        {"seq": r[0], "prevHash": r[1], "hash": r[2], "fact": json.loads(r[3])}
                        for r in rows
                    ],
                },
            )
            self.assertTrue(result["valid"], result)
            self.assertEqual(head, (seqs[-1], rows[-1][2]), "the head is the last entry")
        finally:
            with self.registry.cursor() as cr:
                if ids:
                    cr.execute(
                        "DELETE FROM sicantik_whatsapp_evidence WHERE id IN %s", (tuple(ids),)
                    )
                cr.execute(
                    "DELETE FROM sicantik_whatsapp_evidence_head WHERE company_id = %s",
                    (company_id,),
                )


@tagged("post_install", "-at_install")
class TestProofReport(SicantikWhatsappCommon):
    def test_the_pdf_contains_what_it_claims(self):
        if not shutil.which("pdftotext"):
            raise unittest.SkipTest("pdftotext (poppler-utils) is not installed")
        self.partner_opted_in._wa_record_opt_in("manual", evidence="Dicatat oleh petugas uji.")
        source = self.env["res.partner"].create({"name": "Permohonan PBG 0142"})
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.P1")])
        message.write({"source_model": source._name, "source_res_id": source.id})
        self.env["sicantik.whatsapp.evidence"]._seal()
        report = self.env.ref("sicantik_whatsapp.report_notification_proof")
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() not in ("ok", "upgrade"):
            raise unittest.SkipTest("wkhtmltopdf is not installed")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, self.partner_opted_in.ids
        )
        self.assertEqual(kind, "pdf")
        text = self._pdf_text(pdf)
        self.assertIn("Bukti Pemberitahuan", text)
        self.assertIn("permit_ready", text)
        for word in self.meta.name.split():  # a table cell may wrap
            self.assertIn(word, text)
        self.assertIn("503/PBG/2026/0142", text, "the text as sent")
        self.assertIn("Dicatat oleh petugas uji.", text)
        self.assertIn("UTUH", text)
        entry = self.env["sicantik.whatsapp.evidence"].search(
            [("message_id", "=", message.id)], limit=1
        )
        self.assertIn(entry.hash[:32], text.replace("\n", "").replace(" ", ""))
        # From the source record, after retention: the text is gone, its hash proves it.
        message.with_context(sicantik_whatsapp_evidence_no_chain=True).write({"body_text": False})
        pdf, _kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, [], data={"source_model": source._name, "source_res_id": source.id}
        )
        text = self._pdf_text(pdf)
        self.assertNotIn("503/PBG/2026/0142", text)
        self.assertIn(message.body_sha256[:32], text.replace("\n", "").replace(" ", ""))

    def _pdf_text(self, pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            return subprocess.run(
                ["pdftotext", f.name, "-"], capture_output=True, check=True, text=True
            ).stdout


@tagged("post_install", "-at_install")
class TestConsentFunnel(SicantikWhatsappCommon):
    def test_the_funnel_numbers_for_a_scripted_history(self):
        Funnel = self.env["sicantik.whatsapp.consent.funnel"]
        before = {
            (r["provider_id"] and r["provider_id"][0]): r
            for r in Funnel.read_group(
                [], ["invited", "visits", "opt_ins", "meta_delivered"], ["provider_id"]
            )
        }
        budi = self.partner_gateway
        siti = self.env["res.partner"].create({"name": "Siti Funnel", "mobile": "081311112222"})
        # Budi: invited by Fonnte, visits the page twice, opts in, then gets his first Meta message.
        invite, _fake = self.send(budi, force_provider=self.fonnte, responses=[fonnte_ok("11")])
        self.assertTrue(
            invite.opt_in_link_appended and invite.state == "sent", invite.error_message
        )
        Visit = self.env["sicantik.whatsapp.consent.visit"]
        Visit._record(budi)
        Visit._record(budi)
        budi._wa_record_opt_in("link", evidence="Consent page")
        first, _fake = self.send(budi, responses=[meta_ok("wamid.F1")])
        self.assertEqual(first.provider_id, self.meta)
        second, _fake = self.send(budi, responses=[meta_ok("wamid.F2")])
        self.assertEqual(second.state, "sent")
        # Siti: invited by Watzap, never visits.
        invite2, _fake = self.send(siti, force_provider=self.watzap, responses=[watzap_ok()])
        self.assertTrue(invite2.opt_in_link_appended)
        self.env.flush_all()
        rows = Funnel.read_group(
            [],
            [
                "invited",
                "visits",
                "opt_ins",
                "meta_delivered",
                "visit_rate",
                "opt_in_rate",
                "delivery_rate",
                "conversion_rate",
            ],
            ["provider_id"],
        )
        by_provider = {(r["provider_id"] and r["provider_id"][0]): r for r in rows}

        def delta(provider, field):
            return by_provider[provider.id][field] - (before.get(provider.id) or {}).get(field, 0)

        self.assertEqual(
            [delta(self.fonnte, f) for f in ("invited", "visits", "opt_ins", "meta_delivered")],
            [1, 2, 1, 1],
        )
        self.assertEqual(
            [delta(self.watzap, f) for f in ("invited", "visits", "opt_ins", "meta_delivered")],
            [1, 0, 0, 0],
        )
        if not before:
            fonnte = by_provider[self.fonnte.id]
            self.assertEqual(fonnte["visit_rate"], 200.0)
            self.assertEqual(fonnte["opt_in_rate"], 50.0)
            self.assertEqual(fonnte["delivery_rate"], 100.0)
            total = Funnel.read_group([], ["invited", "meta_delivered", "conversion_rate"], [])[0]
            self.assertEqual(total["conversion_rate"], 50.0)
        month = Funnel.search([("provider_id", "=", self.fonnte.id)], limit=1).month
        self.assertEqual(month, fields.Date.today().replace(day=1))
