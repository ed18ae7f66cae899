# Copyright 2026 DPMPTSP sicantik-whatsapp contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Record-bound master templates: parameters from the engine, each mapping kind, typed values
written by the engine, path validation, bad input, rights and companies.

The bound model is ``res.partner`` (the contact is its own recipient; ``parent_id`` as the
recipient field gives records without one): the example addon tests a permit model.
"""

import datetime
import json

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import fonnte_ok, meta_ok, request_text
from .roles import SicantikWhatsappRolesCommon

BODY = (
    "Yth. {{partner_name}}, kartu {{ref_no}} berlaku sampai {{valid_until}}. "
    "Titik {{lat}}. Bawa {{bring}}. {{office_name}}. Setuju: {{opt_in_link}}"
)


@tagged("post_install", "-at_install")
class TestRecordTemplates(SicantikWhatsappRolesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["sicantik.whatsapp.template.master"].create(
            {
                "code": "partner_card",
                "name": "Kartu warga",
                "language": "id",
                "body": BODY,
                "append_opt_in_link": False,
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
            }
        )
        cls.lines = {m.param: m for m in cls.template.mapping_ids}
        cls.lines["ref_no"].field_path = "ref"
        cls.lines[
            "valid_until"
        ].field_path = "create_date"  # a datetime: shown in the citizen's zone
        cls.lines["lat"].field_path = "partner_latitude"
        cls.lines["bring"].write({"kind": "fixed", "fixed_value": "KTP asli"})
        cls.partner_gateway.write({"ref": "KW-001", "partner_latitude": 3.5952})
        cls.partner_opted_in.write({"ref": "KW-002", "partner_latitude": -1.25})
        cls.fix_create_date(cls.partner_gateway | cls.partner_opted_in)

    @classmethod
    def fix_create_date(cls, partners):
        """Every partner's create date at 2027-01-30 23:30 UTC: 31 January 2027, 06:30 WIB."""
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = '2027-01-30 23:30:00' WHERE id = ANY(%s)",
            (partners.ids,),
        )
        partners.invalidate_recordset(["create_date"])

    def send_records(self, records, code="partner_card", **kwargs):
        handler = lambda request: meta_ok() if "graph.meta.test" in request["url"] else fonnte_ok()  # noqa: E731
        with self.mock_transport(handler=handler) as fake:
            messages = self.dispatcher.send_records(records, code, **kwargs)
        return messages, fake

    # -- parameters and defaults ---------------------------------------------------------------

    def test_mapping_lines_follow_the_engines_parameters(self):
        self.assertEqual(
            self.template.mapping_ids.mapped("param"),
            ["partner_name", "ref_no", "valid_until", "lat", "bring", "office_name", "opt_in_link"],
        )
        lines = self.lines
        self.assertEqual(
            (lines["partner_name"].kind, lines["partner_name"].field_path), ("field", "name")
        )
        self.assertEqual(
            (lines["office_name"].kind, lines["office_name"].company_field), ("company", "name")
        )
        self.assertEqual(lines["opt_in_link"].kind, "consent")
        self.assertTrue(lines["opt_in_link"].reserved and not lines["ref_no"].reserved)
        # A parameter added to the body gets its line; one removed loses it.
        self.template.body = BODY.replace("{{bring}}", "{{email}}")
        params = self.template.mapping_ids.mapped("param")
        self.assertIn("email", params)
        self.assertNotIn("bring", params)
        # A new parameter named like a field of the model is mapped to it.
        self.assertEqual(
            self.template.mapping_ids.filtered(lambda m: m.param == "email").field_path, "email"
        )

    def test_a_template_without_model_has_no_mapping_and_sends_as_before(self):
        template = self.env.ref("sicantik_whatsapp.template_status_update")
        self.assertFalse(template.model_id or template.mapping_ids)
        message, _fake = self.send(
            self.partner_gateway,
            "status_update",
            {"permit_number": "1", "status": "Verifikasi"},
            responses=[fonnte_ok()],
        )
        self.assertEqual(message.state, "sent", message.error_message)
        self.assertFalse(message.source_model)

    # -- every mapping kind, typed values --------------------------------------------------------

    def test_every_mapping_kind_fills_the_values(self):
        [item] = self.template._sicantik_prepare_record_messages(self.partner_gateway)
        self.assertFalse(item["error"])
        self.assertEqual(item["partner"], self.partner_gateway)
        values = item["values"]
        self.assertEqual(values["partner_name"], "Siti Aminah")  # field path
        self.assertEqual(values["ref_no"], "KW-001")
        self.assertEqual(
            values["valid_until"], {"type": "datetime", "value": "2027-01-30 23:30:00"}
        )  # typed
        self.assertEqual(values["lat"]["type"], "number")
        self.assertEqual(values["bring"], "KTP asli")  # fixed text
        self.assertEqual(values["office_name"], self.env.company.name)  # company field
        self.assertNotIn("opt_in_link", values)  # the engine's: the partner's signed link
        # The caller's values win over the mapping.
        [item] = self.template._sicantik_prepare_record_messages(
            self.partner_gateway, {"bring": "SIM"}
        )
        self.assertEqual(item["values"]["bring"], "SIM")

    def test_a_record_send_writes_typed_values_and_links_the_record(self):
        messages, fake = self.send_records(self.partner_gateway)
        self.assertEqual(messages.state, "sent", messages.error_message)
        text = messages.body_text
        self.assertIn("berlaku sampai 31 Januari 2027 pukul 06.30 WIB", text)
        self.assertIn("Titik 3,5952000", text)  # partner_latitude: 7 digits, Indonesian mark
        self.assertIn("Bawa KTP asli", text)
        self.assertIn(self.env.company.name, text)
        self.consent_tokens(request_text(fake.requests[0]), self.partner_gateway)
        self.assertEqual(
            (messages.source_model, messages.source_res_id),
            ("res.partner", self.partner_gateway.id),
        )
        self.assertEqual(messages.record_ref, self.partner_gateway)
        self.assertEqual(messages.partner_id, self.partner_gateway)
        # The typed value is stored as such: what was sent can be read back.
        self.assertEqual(json.loads(messages.values_json)["valid_until"]["type"], "datetime")

    def test_english_template_writes_english_dates(self):
        self.template.language = "en_US"
        messages, _fake = self.send_records(self.partner_gateway)
        self.assertIn("31 January 2027, 06:30 WIB", messages.body_text)
        # In the citizen's own time zone (WITA: UTC+8).
        self.partner_gateway.tz = "Asia/Makassar"
        messages, _fake = self.send_records(self.partner_gateway)
        self.assertIn("31 January 2027, 07:30 WITA", messages.body_text)

    def test_dispatcher_send_passes_python_dates_and_floats_typed(self):
        message, _fake = self.send(
            self.partner_gateway,
            "permit_reminder",
            {"permit_number": "503/1", "expiry_date": datetime.date(2027, 1, 31)},
            responses=[fonnte_ok()],
        )
        self.assertEqual(message.state, "sent", message.error_message)
        self.assertIn("akan berakhir pada 31 Januari 2027", message.body_text)
        self.assertEqual(
            json.loads(message.values_json)["expiry_date"], {"type": "date", "value": "2027-01-31"}
        )
        message, _fake = self.send(
            self.partner_gateway,
            "status_update",
            {"permit_number": "1", "status": 1234567.5},
            responses=[fonnte_ok()],
        )
        self.assertIn("saat ini: 1.234.567,5", message.body_text)

    # -- path validation -------------------------------------------------------------------------

    def test_paths_are_checked_when_saved(self):
        with self.assertRaises(ValidationError) as e:
            self.lines["ref_no"].field_path = "no_such_field"
        self.assertIn('has no field "no_such_field"', str(e.exception))
        with self.assertRaises(ValidationError) as e:
            self.lines["ref_no"].field_path = "name.foo"
        self.assertIn("is not a relation", str(e.exception))
        self.lines["ref_no"].field_path = "parent_id.name"  # a relation's field: fine
        with self.assertRaises(ValidationError):
            self.lines["office_name"].company_field = "nope"
        with self.assertRaises(ValidationError):
            self.template.partner_field = "nope"
        with self.assertRaises(ValidationError) as e:
            self.template.partner_field = "name"
        self.assertIn("must lead to a contact", str(e.exception))
        self.template.partner_field = "parent_id"

    def test_the_error_is_translated(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(
            ["sicantik_whatsapp"], ["id_ID"], overwrite=True
        )
        with self.assertRaises(ValidationError) as e:
            self.lines["ref_no"].with_context(lang="id_ID").field_path = "no_such_field"
        self.assertIn("tidak memiliki", str(e.exception))

    # -- bad input ------------------------------------------------------------------------------

    def test_bad_records_fail_alone_with_their_reason(self):
        no_phone = self.env["res.partner"].create({"name": "Tanpa Nomor", "ref": "KW-9"})
        no_date = self.env["res.partner"].create(
            {"name": "Tanpa Nomor Kartu", "mobile": "081211112222"}
        )
        bad_phone = self.env["res.partner"].create(
            {"name": "Nomor Salah", "mobile": "12", "ref": "KW-7"}
        )
        records = no_phone | self.partner_gateway | no_date | bad_phone | self.partner_opted_in
        messages, _fake = self.send_records(records)
        self.assertEqual(len(messages), 5, "one message per record, none skipped")
        by_record = {m.source_res_id: m for m in messages}
        self.assertEqual(by_record[self.partner_gateway.id].state, "sent")
        self.assertEqual(by_record[self.partner_opted_in.id].state, "sent")
        failed = by_record[no_date.id]
        self.assertEqual((failed.state, failed.error_code), ("failed", "template.missing_param"))
        self.assertIn("ref_no", failed.error_message)
        self.assertEqual(failed.record_ref, no_date)
        self.assertTrue(failed.evidence_chained, "a refused record is an outcome like any other")
        self.assertEqual(by_record[no_phone.id].state, "failed")
        self.assertEqual(by_record[bad_phone.id].error_code, "phone.invalid")

    def test_a_record_without_contact_or_phone_fails(self):
        self.template.partner_field = "parent_id"
        orphan = self.env["res.partner"].create({"name": "Tanpa Kontak", "ref": "X"})
        messages, _fake = self.send_records(orphan)
        self.assertEqual((messages.state, messages.error_code), ("failed", "record.no_recipient"))
        self.assertIn("Tanpa Kontak", messages.error_message)
        # A record without a contact but with a number is sent to that number (no consent link:
        # there is no one to sign it for).
        orphan.mobile = "0812-7777-8888"
        self.template.body = BODY.replace(" Setuju: {{opt_in_link}}", "")
        messages, fake = self.send_records(orphan)
        self.assertEqual(messages.state, "sent", messages.error_message)
        self.assertFalse(messages.partner_id)
        self.assertEqual(messages.phone, "6281277778888")
        self.assertEqual(messages.recipient_name, "Tanpa Kontak")

    def test_a_path_that_no_longer_exists_fails_the_message(self):
        # As if the field had been removed since the mapping was saved.
        self.env.cr.execute(
            "UPDATE sicantik_whatsapp_template_mapping SET field_path = 'x_gone' WHERE id = %s",
            (self.lines["ref_no"].id,),
        )
        self.lines["ref_no"].invalidate_recordset()
        messages, _fake = self.send_records(self.partner_gateway | self.partner_opted_in)
        self.assertEqual(messages.mapped("state"), ["failed", "failed"])
        self.assertEqual(messages.mapped("error_code"), ["mapping.path_missing"] * 2)
        self.assertIn("x_gone", messages[0].error_message)

    def test_a_value_the_engine_refuses_fails_the_message(self):
        bad = {"valid_until": {"type": "date", "value": "2027-02-30"}}
        messages, _fake = self.send_records(
            self.partner_gateway | self.partner_opted_in, values=bad
        )
        self.assertEqual(messages.mapped("error_code"), ["template.invalid_value"] * 2)
        self.assertIn("valid_until", messages[0].error_message)
        self.assertEqual(messages[0].record_ref, self.partner_gateway)

    # -- outbox, chatter -------------------------------------------------------------------------

    def test_queued_through_the_outbox(self):
        messages, _fake = self.send_records(
            self.partner_gateway | self.partner_opted_in, queue=True
        )
        self.assertEqual(messages.mapped("state"), ["queued", "queued"])
        handler = lambda request: meta_ok() if "graph.meta.test" in request["url"] else fonnte_ok()  # noqa: E731
        with self.mock_transport(handler=handler):
            self.outbox._cron_process_outbox()
        self.assertEqual(messages.mapped("state"), ["sent", "sent"])
        self.assertIn("31 Januari 2027", messages[0].body_text)

    def test_message_vals_reach_every_message(self):
        messages, _fake = self.send_records(
            self.partner_gateway | self.partner_opted_in,
            queue=True,
            message_vals=lambda item: {
                "priority": 3 if item["record"] == self.partner_gateway else 4
            },
        )
        self.assertEqual(messages.mapped("priority"), [3, 4])

    # -- rights and companies --------------------------------------------------------------------

    def test_rights_to_send_from_records(self):
        for role in ("internal", "portal"):
            with self.assertRaises(AccessError, msg=role):
                self.dispatcher.with_user(self.users[role]).send_records(
                    self.partner_gateway, "partner_card"
                )
        # A WhatsApp user who may read the record sends; not from a record of another company.
        handler = lambda request: fonnte_ok()  # noqa: E731
        with self.mock_transport(handler=handler):
            user_messages = self.dispatcher.with_user(self.users["wa_user"]).send_records(
                self.partner_gateway, "partner_card"
            )
        self.assertEqual(user_messages.state, "sent", user_messages.error_message)
        with self.assertRaises(AccessError):
            self.dispatcher.with_user(self.users["wa_user"]).send_records(
                self.partner_b, "partner_card"
            )

    def test_a_record_of_another_company_uses_that_company(self):
        self.partner_b.write({"ref": "B-1"})
        admin = self.env.user
        admin.company_ids |= self.company_b
        messages, _fake = self.send_records(
            self.partner_b.with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
        )
        self.assertEqual(messages.company_id, self.company_b)
        self.assertEqual(json.loads(messages.values_json)["office_name"], self.company_b.name)
        # Company B has no provider profile: its routing, not company A's, decided.
        self.assertEqual(messages.state, "failed")
        self.assertFalse(messages.provider_id)

    # -- preview from a record -------------------------------------------------------------------

    def test_the_preview_shows_a_records_values(self):
        context = self.template._preview_context(self.template, None, self.partner_gateway)
        sample = context["samples"][-1]
        self.assertEqual(sample["key"], f"record:res.partner,{self.partner_gateway.id}")
        self.assertEqual(sample["partnerId"], self.partner_gateway.id)
        values = sample["notification"]["values"]
        self.assertEqual(values["ref_no"], "KW-001")
        self.assertEqual(
            values["valid_until"], {"type": "datetime", "value": "2027-01-30 23:30:00"}
        )
        # An example consent link: a preview never hands out a usable one.
        self.assertTrue(
            sample["notification"]["recipient"]["optInUrl"].endswith(
                "/sicantik_whatsapp/consent/CONTOH"
            )
        )
        # The engine writes the record's values as a send would.
        preview = self.dispatcher._engine().preview(
            dict(sample["notification"], template="partner_card")
        )
        texts = [p.get("text") or "" for p in preview["providers"]]
        self.assertTrue(any("31 Januari 2027 pukul 06.30 WIB" in t for t in texts), texts)
        self.assertFalse(sample["error"])

    def test_prepared_records_plan_like_they_send(self):
        """A batch can be counted before it is queued: the engine plans each record's
        notification (the composer's summary)."""
        items = self.template._sicantik_prepare_record_messages(
            self.partner_gateway | self.partner_opted_in
        )
        notifications = [self.template._item_notification("partner_card", item) for item in items]
        plans = self.dispatcher._engine().plan_batch(notifications, compact=True)
        # The template has no Meta mapping: both go through the first gateway.
        self.assertEqual([p["ok"]["provider"] for p in plans], [self.fonnte._engine_id()] * 2)
        self.assertEqual([p["ok"]["phone"] for p in plans], ["6281311112222", "6281234567890"])
        # A record without a contact is planned to its own number.
        self.template.partner_field = "parent_id"
        self.template.body = BODY.replace(" Setuju: {{opt_in_link}}", "")
        orphan = self.env["res.partner"].create(
            {"name": "Tanpa Kontak", "ref": "X", "mobile": "0812-7777-8888"}
        )
        [item] = self.template._sicantik_prepare_record_messages(orphan)
        [plan] = self.dispatcher._engine().plan_batch(
            [self.template._item_notification("partner_card", item)]
        )
        self.assertEqual(plan["ok"]["decision"]["phone"], "6281277778888")
