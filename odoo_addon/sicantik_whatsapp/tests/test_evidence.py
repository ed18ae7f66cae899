# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import json
import shutil
import subprocess
import tempfile
import threading
import unittest

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged

from .common import SicantikWhatsappCommon, fonnte_ok, meta_ok


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
        for prev, entry in zip(entries, entries[1:]):
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
        head = self.env["sicantik.whatsapp.evidence.head"].search([("company_id", "=", self.company.id)])
        self.assertEqual(head.hash, entries[-1].hash)

    def test_a_state_edited_through_sql_is_caught(self):
        failed, _fake = self.send(self.partner_gateway, responses=[fonnte_ok("1"), fonnte_ok("2")])
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.T1")])
        self.Evidence._seal()
        self.assertTrue(self.verify()["valid"])
        self.env.flush_all()
        self.env.cr.execute("UPDATE sicantik_whatsapp_message SET state = 'failed' WHERE id = %s", (message.id,))
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
            "UPDATE sicantik_whatsapp_evidence SET fact_json = %s WHERE id = %s", (json.dumps(fact), entry.id)
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
            {"partner_id": self.partner_opted_in.id, "template_code": "permit_ready", "values_json": "{}"}
        )
        self.env.flush_all()
        self.env.cr.execute("UPDATE sicantik_whatsapp_message SET state = 'sent' WHERE id = %s", (queued.id,))
        self.env.invalidate_all()
        result = self.verify()
        self.assertEqual((result["code"], result["message_id"]), ("evidence.unchained", queued.id), result)

    def test_retention_purges_texts_and_keeps_the_chain_verifiable(self):
        message, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.R1")])
        body_hash = message.body_sha256
        self.assertTrue(message.body_text and body_hash)
        self.env.flush_all()
        old = fields.Datetime.now() - datetime.timedelta(days=400)
        self.env.cr.execute("UPDATE sicantik_whatsapp_message SET create_date = %s WHERE id = %s", (old, message.id))
        self.env.invalidate_all()
        recent, _fake = self.send(self.partner_opted_in, responses=[meta_ok("wamid.R2")])
        self.assertEqual(self.Evidence._cron_purge(), 1)
        self.assertFalse(message.body_text or message.outcome_json or message.values_json)
        self.assertFalse(message.attempt_ids.mapped("response_masked") != [False] * len(message.attempt_ids))
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
            "UPDATE sicantik_whatsapp_message SET body_sha256 = %s WHERE id = %s", ("0" * 64, message.id)
        )
        self.env.invalidate_all()
        result = self.verify()
        self.assertEqual((result["code"], result["fields"]), ("evidence.record_changed", ["bodySha256"]))

    def test_the_retention_period_is_a_setting(self):
        self.assertEqual(self.Evidence._retention_days(), 365)
        settings = self.env["res.config.settings"].create({"sicantik_wa_retention_days": 30})
        settings.execute()
        self.assertEqual(self.Evidence._retention_days(), 30)

    def test_verify_is_for_managers_of_the_company(self):
        head = self.env["sicantik.whatsapp.evidence.head"].create({"company_id": self.company.id, "seq": 0})
        user = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "evidence_clerk",
                "groups_id": [(6, 0, [self.env.ref("sicantik_whatsapp.group_sicantik_whatsapp_user").id])],
            }
        )
        from odoo.exceptions import AccessError

        with self.assertRaises(AccessError):
            head.with_user(user).action_verify()
        action = head.action_verify()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(head.last_verify_valid)

    def test_two_workers_appending_at_once_never_fork_the_chain(self):
        """Two real transactions append and seal concurrently (threads, own cursors)."""
        with self.registry.cursor() as cr0:
            env0 = api.Environment(cr0, SUPERUSER_ID, {})
            company = env0["res.company"].create({"name": "Evidence Concurrency"})
            company_id = company.id
        barrier = threading.Barrier(2)
        errors = []

        def worker(n):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=10)
                    for i in range(10):
                        env["sicantik.whatsapp.evidence"]._append(
                            [{"fact": {"kind": "retention.purge", "atMs": 1764000000000 + i,
                                       "company": company_id, "purged": n, "purgedBeforeMs": i}}]
                        )
                        cr.commit()  # runs the post-commit seal: a transaction of its own
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
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sicantik.whatsapp.evidence"]._seal()
                cr.execute(
                    "SELECT seq, prev_hash, hash FROM sicantik_whatsapp_evidence WHERE company_id = %s ORDER BY seq",
                    (company_id,),
                )
                rows = cr.fetchall()
                self.assertEqual([r[0] for r in rows], list(range(1, 21)), "every entry sealed once, in one line")
                self.assertEqual(len({r[1] for r in rows}), 20, "no two entries share a predecessor")
                result = env["sicantik.whatsapp.evidence"]._verify_here(company_id)
                self.assertTrue(result["valid"], result)
                self.assertEqual(result["checked"], 20)
        finally:
            with self.registry.cursor() as cr:
                cr.execute("DELETE FROM sicantik_whatsapp_evidence WHERE company_id = %s", (company_id,))
                cr.execute("DELETE FROM sicantik_whatsapp_evidence_head WHERE company_id = %s", (company_id,))
                try:
                    with cr.savepoint():
                        api.Environment(cr, SUPERUSER_ID, {})["res.company"].browse(company_id).unlink()
                except Exception:  # pylint: disable=broad-except
                    pass


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
        if not report._get_wkhtmltopdf_bin():
            raise unittest.SkipTest("wkhtmltopdf is not installed")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, self.partner_opted_in.ids
        )
        self.assertEqual(kind, "pdf")
        text = self._pdf_text(pdf)
        self.assertIn("Bukti Pemberitahuan", text)
        self.assertIn("permit_ready", text)
        self.assertIn(self.meta.name, text)
        self.assertIn("503/PBG/2026/0142", text, "the text as sent")
        self.assertIn("Dicatat oleh petugas uji.", text)
        self.assertIn("UTUH", text)
        entry = self.env["sicantik.whatsapp.evidence"].search([("message_id", "=", message.id)], limit=1)
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
            return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True, text=True).stdout
