import { expect, request, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, login, open, orderFor, orderPanel, queueRow } from "./helpers";

const KARIM = "karim.haddad@demo.ecomanager.dz";
const NOUR = "nour.bouzid@demo.ecomanager.dz";
const SOFIANE = "sofiane.meziane@demo.ecomanager.dz";

test("an agent logs no answer, then confirms the order on the next call", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, KARIM);

  await login(page, KARIM, DEMO_PASSWORD);
  await page.getByRole("link", { name: "Ma file" }).click();
  const row = queueRow(page, order.number);
  await row.click();
  const panel = orderPanel(page, order.number);
  await expect(panel.getByRole("heading", { level: 2 })).toContainText(order.number);
  await expect(panel.getByRole("heading", { level: 2 })).toContainText("Nouvelle");
  await expect(panel.getByRole("region", { name: /^Client/ })).toContainText(order.name);
  await expect(panel.getByRole("link", { name: /WhatsApp/ })).toHaveAttribute("href", /^https:\/\/wa\.me\/213550\d{6}\?text=/);

  const noAnswer = panel.getByRole("button", { name: "Pas de réponse 1", exact: true });
  await noAnswer.click();
  await expect(noAnswer).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Notes de l'appel").fill("Messagerie");
  await panel.getByRole("button", { name: /^Enregistrer/ }).click();

  // Saved: the order moved down (retry in two hours) and shows its new status.
  await expect(row).toContainText("Pas de réponse 1");
  await row.click();
  await expect(panel).toHaveAttribute("data-version", "3");
  await expect(panel.getByRole("heading", { level: 2 })).toContainText("Pas de réponse 1");
  await expect(panel.getByRole("list", { name: "Tentatives" })).toContainText("Messagerie");
  await panel.getByRole("button", { name: "Confirmée", exact: true }).click();
  await panel.getByRole("button", { name: /^Enregistrer/ }).click();
  await expect(row).toHaveCount(0);

  const saved = await (await admin.get(`/api/customer-service/orders/${order.id}`)).json();
  expect(saved.confirmation.status).toBe("confirmed");
  expect(saved.confirmation.attempts.map((a: { result: string }) => a.result)).toEqual(["no_answer_1", "confirmed"]);
  noErrors();
});

test("the agent screen in Arabic is right-to-left and works from the keyboard", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, NOUR);
  // a second order after it, so that N has somewhere to go whatever the demo left in the queue
  await orderFor(admin, NOUR);

  await login(page, NOUR, DEMO_PASSWORD);
  // Nour's saved language is Algerian Arabic.
  await open(page, "/queue");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("الليستة تاعي");
  await queueRow(page, order.number).click();
  const panel = orderPanel(page, order.number);
  await expect(panel).toBeVisible();

  // N / K move through the queue; digits pick a result; Ctrl+Enter saves.
  await page.keyboard.press("n");
  await expect(panel).toHaveCount(0);
  await page.keyboard.press("k");
  await expect(panel).toBeVisible();
  const results = panel.getByRole("group", { name: "النتيجة" }).getByRole("button");
  await page.keyboard.press("3");
  await expect(results.nth(2)).toHaveAttribute("aria-pressed", "true");
  await expect(results.nth(2)).toHaveAccessibleName(/^[\u0600-\u06FF]/);
  // A result that asks for a callback time cannot be saved without one: take the first instead.
  if (await panel.getByLabel("نعاودو نعيطو نهار").isVisible()) {
    await page.keyboard.press("1");
  }
  await page.keyboard.press("Control+Enter");
  await expect
    .poll(async () => (await (await admin.get(`/api/customer-service/orders/${order.id}`)).json()).confirmation.status)
    .not.toBe("new");
  noErrors();
});

test("a supervisor adds a status with an Arabic label and the agent sees it as a button", async ({ page, browser, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const code = `wa_${Date.now() % 100000}`;
  const label = `أرسلنا واتساب ${Date.now() % 1000}`;
  await login(page, "amina.belkacem@demo.ecomanager.dz", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Statuts" }).click();
  await page.getByRole("button", { name: "Nouveau statut" }).click();
  const form = page.getByRole("region", { name: "Nouveau statut" });
  await form.getByLabel("Code", { exact: true }).fill(code);
  await form.getByLabel("Libellé (français)").fill("WhatsApp envoyé");
  await form.getByLabel("Libellé (arabe)").fill(label);
  await form.getByLabel("Libellé (darja)").fill(label);
  await form.getByRole("button", { name: "Enregistrer le statut" }).click();
  await expect(page.getByRole("row", { name: new RegExp(code) })).toBeVisible();

  // Agents may record it after "new" (and it leads on to a final outcome).
  await page.getByRole("combobox", { name: `${code} → confirmed` }).selectOption("agent");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await page.getByRole("combobox", { name: `new → ${code}` }).selectOption("agent");
  await expect(page.getByRole("alert")).toHaveCount(0);
  noErrors();

  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  // Sofiane works in Algerian Arabic (his saved language).
  const order = await orderFor(admin, SOFIANE);
  const agent = await (await browser.newContext()).newPage();
  await login(agent, SOFIANE, DEMO_PASSWORD);
  await open(agent, "/queue");
  await expect(agent.locator("html")).toHaveAttribute("lang", "ar-DZ");
  await queueRow(agent, order.number).click();
  await expect(orderPanel(agent, order.number).getByRole("button", { name: label, exact: true })).toBeVisible();
  await agent.context().close();
});

test("two tabs on one order: the second save is refused with the conflict and shows the new state", async ({ browser, baseURL }) => {
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, KARIM);
  const context = await browser.newContext();
  const [first, second] = [await context.newPage(), await context.newPage()];
  await login(first, KARIM, DEMO_PASSWORD);
  for (const tab of [first, second]) {
    await open(tab, "/queue");
    await queueRow(tab, order.number).click();
    await expect(orderPanel(tab, order.number)).toHaveAttribute("data-version", "2");
  }
  await first.getByRole("button", { name: "Occupé", exact: true }).click();
  await first.getByRole("button", { name: /^Enregistrer/ }).click();
  await expect(queueRow(first, order.number)).toContainText("Occupé");

  await second.getByRole("button", { name: "Confirmée", exact: true }).click();
  await second.getByRole("button", { name: /^Enregistrer/ }).click();
  await expect(second.getByRole("alert")).toHaveText("Quelqu'un a modifié cet élément entre-temps. Rechargez et réessayez.");
  const panel = orderPanel(second, order.number);
  await expect(panel).toHaveAttribute("data-version", "3");
  await expect(panel.getByRole("heading", { level: 2 })).toContainText("Occupé");
  await context.close();
});
