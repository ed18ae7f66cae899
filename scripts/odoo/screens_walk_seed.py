"""Seed for `scripts/odoo/screens-walk.sh`, read by ``odoo-bin shell`` (``env`` is given): simulator
profiles (Fonnte in error with a reason), three citizens (one with an invalid number), two example
permits, and a message in every state, so that each screen of the walk has something to show.
``SIM_URL`` is the simulator's address. Never run against a real database."""
import json
import os

from odoo import fields

SIM = os.environ["SIM_URL"]
P = env["sicantik.whatsapp.provider"].sudo()  # noqa: F821 (odoo shell)
P.search([]).write({"active": False})
base = {"timeout": 10, "state": "configured"}  # Graph API version: the engine's
meta = P.create(dict(base, name="Meta (simulator)", kind="meta", sequence=1, base_url=SIM + "/meta",
                     access_token="sim-meta-token", phone_number_id="100000000000001", waba_id="200000000000001"))
watzap = P.create(dict(base, name="Watzap (simulator)", kind="watzap", sequence=2, base_url=SIM + "/watzap",
                       api_key="sim-watzap-key", number_key="sim-watzap-number"))
fonnte = P.create(dict(base, name="Fonnte (simulator)", kind="fonnte", sequence=3, base_url=SIM + "/fonnte",
                       token="sim-fonnte-token"))
fonnte._set_error("fonnte.invalid_token", "Token Fonnte tidak valid")
icp = env["ir.config_parameter"].sudo()  # noqa: F821
icp.set_param("sicantik_whatsapp.quiet_hours", False)
tpl = env.ref("sicantik_whatsapp.template_permit_ready").sudo()  # noqa: F821
tpl.meta_status = "APPROVED"
Partner = env["res.partner"]  # noqa: F821
siti = Partner.create({"name": "Siti Aminah", "mobile": "081234567890"})
budi = Partner.create({"name": "Budi Santoso", "mobile": "081298765432", "wa_meta_opt_in": True})
Partner.create({"name": "Nomor Salah", "mobile": "12ab"})
env["sicantik.whatsapp.example.permit"].create([  # noqa: F821
    {"name": "IZN/2027/0001", "partner_id": siti.id, "permit_type": "pbg", "state": "done",
     "issue_date": "2027-01-31", "expiry_date": "2032-01-31", "fee": 1250000},
    {"name": "IZN/2027/0002", "partner_id": budi.id, "permit_type": "pbg", "state": "done",
     "issue_date": "2027-02-01", "expiry_date": "2032-02-01", "fee": 500000},
])
M = env["sicantik.whatsapp.message"].sudo()  # noqa: F821
now = fields.Datetime.now()


def message(state, partner, provider=None, **vals):
    values = {"partner_name": partner.name, "permit_type": "PBG", "permit_number": "IZN/2027/0001",
              "office_name": "DPMPTSP"}
    return M.create(dict({
        "partner_id": partner.id, "phone": "62" + partner.mobile[1:], "template_id": tpl.id,
        "template_code": tpl.code, "values_json": json.dumps(values), "state": state,
        "provider_id": provider.id if provider else False}, **vals))


# Future dates: the cron of the walk's server must not send these while the walk looks at them.
message("queued", siti, scheduled_date="2030-01-01 02:00:00")
message("deferred", siti, scheduled_date="2030-01-02 01:00:00")
message("sending", budi, meta, claimed_at=now)
message("sent", siti, watzap, sent_date=now, provider_message_id="wz-1")
message("sent", budi, meta, sent_date=now, provider_message_id="wamid.1", delivery_status="delivered", delivery_date=now)
message("sent", budi, meta, sent_date=now, provider_message_id="wamid.2", delivery_status="read", delivery_date=now)
message("unknown", siti, watzap, error_code="transport.timeout", error_message="Batas waktu habis setelah permintaan terkirim")
rejected = message("failed", budi, meta, error_code="meta.131026", error_message="Message undeliverable")
env["sicantik.whatsapp.attempt"].sudo().create({  # noqa: F821
    "message_id": rejected.id, "provider_id": meta.id, "classification": "rejected", "code": "meta.131026",
    "detail": "Message undeliverable"})
# Two real sends through the dispatcher to the simulator (the office reads Indonesian): a sent
# message with the engine's decision, and one refused for a missing value (its code and
# arguments stored, worded by the form); and the Meta-style {{1}}/{{2}} template for the wizard.
env.company.partner_id.lang = "id_ID"  # noqa: F821
D = env["sicantik.whatsapp.dispatcher"]  # noqa: F821
D.send(siti, tpl.code, {"permit_type": "PBG", "permit_number": "IZN/2027/0003"})
D.send(budi, tpl.code, {"permit_type": "PBG"})
env["sicantik.whatsapp.template.master"].create(  # noqa: F821
    {"name": "Bernomor", "code": "numbered", "body": "Yth. {{1}}, izin {{2}}"}
)
env.user.lang = "id_ID"  # noqa: F821
env.cr.commit()  # noqa: F821
print("screens-walk seed: done")
