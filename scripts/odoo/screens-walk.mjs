// The admin's walk of issue 19 in headless Chromium, in Indonesian: run by scripts/odoo/screens-walk.sh
// (which starts the simulator and an Odoo lab seeded by scripts/odoo/screens_walk_seed.py). Writes one
// screenshot per screen to OUT and prints what a person should check (truncated labels, visible
// errors, confirmation texts). Screenshots are to be looked at: nothing here passes or fails them.
import {chromium} from "playwright-core";
const BASE = process.env.ODOO_URL;
const OUT = process.env.OUT;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const only = process.argv[2] || "";
const step = (n) => !only || only.split(",").includes(n);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox"],
});
const page = await browser.newPage({viewport: {width: 1400, height: 1000}});
page.on("pageerror", (e) => console.log("PAGEERROR", e.message));
const shot = async (name, opts = {}) => {
  await page.waitForTimeout(900);
  await page.screenshot({path: `${OUT}/${name}.png`, ...opts});
  console.log("shot", name);
};
const safe = async (name, fn) => {
  try {
    await fn();
  } catch (e) {
    console.log("STEP FAILED", name, e.message.split("\n")[0]);
    await page.screenshot({path: `${OUT}/fail_${name}.png`}).catch(() => undefined);
    await page.keyboard.press("Escape").catch(() => undefined);
  }
};
const act = (x) => `${BASE}/odoo/action-${x}`;
await page.goto(`${BASE}/web/login`);
await page.fill("input[name=login]", "admin");
await page.fill("input[name=password]", "admin");
await page.click("button[type=submit]");
await page.waitForSelector(".o_main_navbar");
const truncated = () =>
  page.evaluate(() =>
    [
      ...document.querySelectorAll(
        "th, .o_form_label, label, .o_stat_text, .o_stat_value, button"
      ),
    ]
      .filter((e) => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
      .map((e) => e.textContent.trim().slice(0, 40))
  );

if (step("providers"))
  await safe("providers", async () => {
    await page.goto(act("sicantik_whatsapp.sicantik_whatsapp_provider_action"));
    await page.waitForSelector(".o_list_view");
    await shot("providers_list");
    console.log("providers truncated", JSON.stringify(await truncated()));
    await page.locator(".o_data_row", {hasText: "Fonnte"}).click();
    await page.waitForSelector(".o_form_view");
    await shot("provider_error", {fullPage: true});
    console.log("provider_error truncated", JSON.stringify(await truncated()));
    await page.click("button[name=action_mark_configured]");
    await page.waitForTimeout(1500);
    await shot("provider_marked_configured");
    await page.click("button[name=action_mark_error]");
    await page.waitForTimeout(1200);
    await shot("provider_mark_error_dialog");
    await page
      .locator(".modal .o_field_widget[name=reason] textarea")
      .fill("Paket Fonnte berakhir hari Jumat");
    await page.locator(".modal-footer button.btn-danger").click();
    await page.waitForTimeout(1500);
    await shot("provider_marked_error", {fullPage: true});
    // Meta: an empty Graph API version shows the engine's default under it.
    await page.goto(act("sicantik_whatsapp.sicantik_whatsapp_provider_action"));
    await page.locator(".o_data_row", {hasText: "Meta"}).first().click();
    await page.waitForSelector(".o_form_view .o_field_widget[name=engine_api_version]");
    await shot("provider_meta");
  });
if (step("settings"))
  await safe("settings", async () => {
    await page.goto(act("base_setup.action_general_configuration"));
    await page.waitForSelector("#sicantik_wa_opt_in_text");
    await page.locator("#sicantik_wa_opt_in_text").scrollIntoViewIfNeeded();
    await shot("settings");
  });
if (step("templates"))
  await safe("templates", async () => {
    await page.goto(act("sicantik_whatsapp.sicantik_whatsapp_template_master_action"));
    await page.waitForSelector(".o_list_view");
    await shot("templates_list");
    console.log("templates truncated", JSON.stringify(await truncated()));
    await page.locator(".o_data_row", {hasText: "permit_ready"}).first().click();
    await page.waitForSelector(".o_form_view");
    await page.waitForTimeout(1500);
    await shot("template_form", {fullPage: true});
    console.log("template form truncated", JSON.stringify(await truncated()));
    const tabs = await page.locator(".o_notebook a.nav-link").allTextContents();
    console.log("template tabs", JSON.stringify(tabs));
    for (const t of tabs) {
      await page.locator(".o_notebook a.nav-link", {hasText: t}).first().click();
      await shot("template_tab_" + t.replace(/\W+/g, "_"), {fullPage: true});
    }
  });
async function wizard(partner, name, template = "Izin") {
  await page.goto(act("sicantik_whatsapp.sicantik_whatsapp_test_wizard_action"));
  await page.waitForSelector(".modal .o_form_view");
  await page.locator(".modal .o_field_widget[name=partner_id] input").fill(partner);
  await page.waitForSelector(".o-autocomplete--dropdown-item");
  await page.locator(".o-autocomplete--dropdown-item").first().click();
  await page.locator(".modal .o_field_widget[name=template_id] input").fill(template);
  await page.waitForSelector(".o-autocomplete--dropdown-item");
  await page.locator(".o-autocomplete--dropdown-item").first().click();
  await page.waitForTimeout(1500);
  await shot(`${name}_before`, {fullPage: true});
  await page.click(".modal button[name=action_run]");
  await page.waitForTimeout(2500);
  await shot(`${name}_after`);
  const errors = await page.evaluate(() =>
    [
      ...document.querySelectorAll(
        ".modal .o_sicantik_whatsapp_error, .modal .alert-danger"
      ),
    ]
      .filter((e) => e.offsetParent)
      .map((e) => e.textContent.trim().slice(0, 160))
  );
  console.log(name, "visible errors", JSON.stringify(errors));
}
if (step("wizard")) {
  await safe("wizard_valid", () => wizard("Siti Aminah", "wizard_valid"));
  await safe("wizard_invalid", () => wizard("Nomor Salah", "wizard_invalid"));
  // The Meta-style {{1}}/{{2}} template: one value line each, labelled from the engine.
  await safe("wizard_positional", () =>
    wizard("Siti Aminah", "wizard_positional", "Bernomor")
  );
}
if (step("messages"))
  await safe("messages", async () => {
    await page.goto(act("sicantik_whatsapp.sicantik_whatsapp_message_action"));
    await page.waitForSelector(".o_list_view");
    await shot("messages_list");
    console.log("messages truncated", JSON.stringify(await truncated()));
    const n = await page.locator(".o_data_row").count();
    for (let i = 0; i < n; i++) {
      await page.goto(act("sicantik_whatsapp.sicantik_whatsapp_message_action"));
      await page.waitForSelector(".o_list_view");
      await page.locator(".o_data_row").nth(i).click();
      await page.waitForSelector(".o_form_view");
      const st = (
        await page
          .locator(".o_statusbar_status .o_arrow_button_current")
          .allTextContents()
      )
        .join("|")
        .trim();
      const btns = (
        await page.locator(".o_statusbar_buttons button:visible").allTextContents()
      ).map((s) => s.trim());
      await shot(`message_${i}`, {fullPage: true});
      console.log(
        "message",
        i,
        "status",
        st,
        "buttons",
        JSON.stringify(btns),
        "truncated",
        JSON.stringify(await truncated())
      );
      const ask = {Gagal: "action_send_now", "Tidak diketahui": "action_requeue"}[st];
      for (const b of ask ? [ask] : []) {
        const loc = page.locator(`.o_statusbar_buttons button[name=${b}]:visible`);
        if (await loc.count()) {
          await loc.first().click();
          await page.waitForTimeout(1500);
          if (await page.locator(".modal").count()) {
            console.log(
              "confirm",
              i,
              b,
              JSON.stringify(
                (await page.locator(".modal .modal-body").first().textContent()).trim()
              )
            );
            await shot(`message_${i}_${b}_confirm`);
            await page.locator(".modal-footer button").last().click(); // cancel
            await page.waitForTimeout(500);
          } else {
            console.log("no confirm", i, b);
            await shot(`message_${i}_${b}_noconfirm`);
          }
          break;
        }
      }
    }
  });
if (step("reports"))
  await safe("reports", async () => {
    for (const a of [
      "sicantik_whatsapp_message_action_report",
      "sicantik_whatsapp_message_action_report_template",
    ]) {
      await page.goto(act("sicantik_whatsapp." + a));
      await page.waitForSelector(".o_pivot_view, .o_graph_view, .o_list_view");
      await shot(a, {fullPage: true});
    }
  });
if (step("permit"))
  await safe("permit", async () => {
    await page.goto(
      act("sicantik_whatsapp_example.sicantik_whatsapp_example_permit_action")
    );
    await page.waitForSelector(".o_list_view, .o_kanban_view");
    await shot("permits_list");
    await page
      .locator(".o_data_row")
      .first()
      .locator(".o_list_record_selector input")
      .click();
    await page
      .locator(".o_data_row")
      .nth(1)
      .locator(".o_list_record_selector input")
      .click();
    await page.waitForTimeout(500);
    await shot("permits_selected");
    const sendBtn = page.locator("button.o_sicantik_whatsapp_send");
    console.log("list send buttons", JSON.stringify(await sendBtn.allTextContents()));
    await sendBtn.first().click();
    await page.waitForSelector(".modal .o_form_view");
    await page.waitForTimeout(2500);
    await page.locator(".modal .o_field_widget[name=template_id] input").fill("Izin");
    await page.waitForSelector(".o-autocomplete--dropdown-item");
    await page.locator(".o-autocomplete--dropdown-item").first().click();
    await page.waitForTimeout(2500);
    await shot("composer_list", {fullPage: true});
    console.log(
      "composer list text",
      JSON.stringify(
        (await page.locator(".modal .modal-body").textContent())
          .replace(/\s+/g, " ")
          .slice(0, 600)
      )
    );
    await page.keyboard.press("Escape");
    await page.goto(
      act("sicantik_whatsapp_example.sicantik_whatsapp_example_permit_action")
    );
    await page.waitForSelector(".o_data_row");
    await page.locator(".o_data_row").first().click();
    await page.waitForSelector(".o_form_view");
    await shot("permit_form", {fullPage: true});
    await page.locator("button.o_sicantik_whatsapp_send").first().click();
    await page.waitForSelector(".modal .o_form_view");
    await page.waitForTimeout(2500);
    if (
      !(await page
        .locator(".modal .o_field_widget[name=template_id] input")
        .inputValue())
    ) {
      await page.locator(".modal .o_field_widget[name=template_id] input").fill("Izin");
      await page.waitForSelector(".o-autocomplete--dropdown-item");
      await page.locator(".o-autocomplete--dropdown-item").first().click();
      await page.waitForTimeout(2500);
    }
    await shot("composer_form", {fullPage: true});
    console.log(
      "composer form text",
      JSON.stringify(
        (await page.locator(".modal .modal-body").textContent())
          .replace(/\s+/g, " ")
          .slice(0, 600)
      )
    );
  });
if (step("consent"))
  await safe("consent", async () => {
    const p2 = await browser.newPage({viewport: {width: 420, height: 800}});
    const r = await p2.goto(`${BASE}/sicantik_whatsapp/consent/rusak-tautan`);
    console.log(
      "consent status",
      r.status(),
      "lang",
      await p2.evaluate(() => document.documentElement.lang)
    );
    await p2.screenshot({path: `${OUT}/consent_invalid.png`, fullPage: true});
  });
await browser.close();
