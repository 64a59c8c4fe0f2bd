import { expect, request, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, login, open, orderFor } from "./helpers";

const KARIM = "karim.haddad@demo.ecomanager.dz";
const NOUR = "nour.bouzid@demo.ecomanager.dz";
const SOFIANE = "sofiane.meziane@demo.ecomanager.dz";

test("an agent logs no answer, then confirms the order on the next call", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, KARIM);

  await login(page, KARIM, DEMO_PASSWORD);
  await page.getByRole("link", { name: "Ma file" }).click();
  const row = page.locator(`[data-testid=queue-row][data-order="${order.id}"]`);
  await row.click();
  const panel = page.locator(`[data-testid=order-panel][data-order="${order.id}"]`);
  await expect(panel.getByRole("heading", { level: 2 })).toContainText(order.number);
  await expect(panel.getByTestId("customer-card")).toContainText(order.name);
  await expect(panel.getByRole("link", { name: /WhatsApp/ })).toHaveAttribute("href", /^https:\/\/wa\.me\/213550\d{6}\?text=/);

  await panel.locator("[data-result=no_answer_1]").click();
  await expect(panel.locator("[data-result=no_answer_1]")).toHaveAttribute("aria-pressed", "true");
  await page.getByLabel("Notes de l'appel").fill("Messagerie");
  await panel.getByTestId("save-attempt").click();

  // Saved: the order moved down (retry in two hours) and shows its new status.
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "no_answer_1");
  await row.click();
  await expect(panel).toHaveAttribute("data-version", "3");
  await expect(panel.getByTestId("attempts")).toContainText("Messagerie");
  await panel.locator("[data-result=confirmed]").click();
  await panel.getByTestId("save-attempt").click();
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

  await login(page, NOUR, DEMO_PASSWORD);
  // Nour's saved language is Algerian Arabic.
  await open(page, "/queue");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("الليستة تاعي");
  await page.locator(`[data-testid=queue-row][data-order="${order.id}"]`).click();
  const panel = page.locator(`[data-testid=order-panel][data-order="${order.id}"]`);
  await expect(panel).toBeVisible();

  // N / K move through the queue; digits pick a result; Ctrl+Enter saves.
  await page.keyboard.press("n");
  await expect(panel).toHaveCount(0);
  await page.keyboard.press("k");
  await expect(panel).toBeVisible();
  const results = panel.locator(".result-button");
  const third = await results.nth(2).getAttribute("data-result");
  await page.keyboard.press("3");
  await expect(results.nth(2)).toHaveAttribute("aria-pressed", "true");
  await expect(results.nth(2)).toContainText(/[\u0600-\u06FF]/);
  if (third === "callback" || third === "postponed") {
    await page.keyboard.press("1");
  }
  await page.keyboard.press("Control+Enter");
  await expect(page.locator(`[data-testid=queue-row][data-order="${order.id}"] [data-status]`)).not.toHaveAttribute("data-status", "new");
  noErrors();
});

test("a supervisor adds a status with an Arabic label and the agent sees it as a button", async ({ page, browser, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const code = `wa_${Date.now() % 100000}`;
  const label = `أرسلنا واتساب ${Date.now() % 1000}`;
  await login(page, "amina.belkacem@demo.ecomanager.dz", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Statuts" }).click();
  await page.getByTestId("new-status").click();
  const form = page.getByTestId("status-form");
  await form.getByLabel("Code", { exact: true }).fill(code);
  await form.getByLabel("Libellé (français)").fill("WhatsApp envoyé");
  await form.getByLabel("Libellé (arabe)").fill(label);
  await form.getByLabel("Libellé (darja)").fill(label);
  await form.getByRole("button", { name: "Enregistrer le statut" }).click();
  await expect(page.locator(`tr[data-status-row="${code}"]`)).toBeVisible();

  // Agents may record it after "new" (and it leads on to a final outcome).
  const matrix = page.getByTestId("transition-matrix");
  await matrix.locator(`tr[data-from="${code}"] select[data-to="confirmed"]`).selectOption("agent");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await matrix.locator(`tr[data-from="new"] select[data-to="${code}"]`).selectOption("agent");
  await expect(page.getByRole("alert")).toHaveCount(0);
  noErrors();

  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  // Sofiane works in Algerian Arabic (his saved language).
  const order = await orderFor(admin, SOFIANE);
  const agent = await (await browser.newContext()).newPage();
  await login(agent, SOFIANE, DEMO_PASSWORD);
  await open(agent, "/queue");
  await expect(agent.locator("html")).toHaveAttribute("lang", "ar-DZ");
  await agent.locator(`[data-testid=queue-row][data-order="${order.id}"]`).click();
  await expect(agent.locator(`[data-testid=order-panel] [data-result="${code}"]`)).toHaveText(new RegExp(label));
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
    await tab.locator(`[data-testid=queue-row][data-order="${order.id}"]`).click();
    await expect(tab.locator(`[data-testid=order-panel][data-order="${order.id}"]`)).toHaveAttribute("data-version", "2");
  }
  await first.locator("[data-result=busy]").click();
  await first.getByTestId("save-attempt").click();
  await expect(first.locator(`[data-testid=queue-row][data-order="${order.id}"] [data-status]`)).toHaveAttribute("data-status", "busy");

  await second.locator("[data-result=confirmed]").click();
  await second.getByTestId("save-attempt").click();
  await expect(second.getByRole("alert")).toHaveText("Quelqu'un a modifié cet élément entre-temps. Rechargez et réessayez.");
  const panel = second.locator(`[data-testid=order-panel][data-order="${order.id}"]`);
  await expect(panel).toHaveAttribute("data-version", "3");
  await expect(panel.locator(".order-head [data-status]")).toHaveAttribute("data-status", "busy");
  await context.close();
});
