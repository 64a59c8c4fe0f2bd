import { expect, request, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, login, open, orderFor, orderPanel, queueRow } from "./helpers";

const SUPERVISOR = "amina.belkacem@demo.ecomanager.dz";
const KARIM = "karim.haddad@demo.ecomanager.dz";

test("a supervisor edits the Arabic confirmed template and the preview turns UCS-2, two parts", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await login(page, SUPERVISOR, DEMO_PASSWORD);
  await page.getByRole("link", { name: "Messages" }).click();
  const confirmed = page.getByRole("region", { name: "Confirmée", exact: true });
  const french = confirmed.getByRole("group", { name: "Français" });
  await expect(french).toContainText("GSM-7");
  await expect(french).toContainText("1 partie(s)");

  const arabic = confirmed.getByRole("group", { name: "Arabe" });
  const editor = arabic.getByLabel("Arabe");
  await editor.fill("مرحبا {{customerName}}، تم تأكيد طلبك رقم {{orderNumber}} بمبلغ {{total}}. سيصلك يوم {{deliveryDate}}. شكرا لثقتك في {{shopName}}");
  await expect(arabic).toContainText("UCS-2");
  await expect(arabic).toContainText("2 partie(s)");
  await expect(arabic).toContainText("مرحبا Amina");

  // A variable we do not have is refused as it is typed, with where it is.
  await editor.fill("مرحبا {{prenom}}");
  await expect(arabic.getByRole("alert")).toHaveText("Variable inconnue dans le modèle. (caractère 7)");
  await expect(arabic.getByRole("button", { name: "Enregistrer (Arabe)" })).toBeDisabled();

  await editor.fill("مرحبا {{customerName}}، تم تأكيد طلبك {{orderNumber}} ({{total}}). {{shopName}}");
  await arabic.getByRole("button", { name: "Enregistrer (Arabe)" }).click();
  await expect(arabic.getByRole("status")).toHaveText("Enregistré.");
  await page.reload();
  await expect(page.getByRole("region", { name: "Confirmée", exact: true }).getByRole("group", { name: "Arabe" }).getByLabel("Arabe")).toHaveValue(
    "مرحبا {{customerName}}، تم تأكيد طلبك {{orderNumber}} ({{total}}). {{shopName}}",
  );
  noErrors();
});

test("an agent confirms an order and its SMS shows in the order's history as delivered", async ({ page, browser, baseURL }) => {
  // Quiet hours off for this test, through the settings form, so it passes at any hour.
  const supervisor = await (await browser.newContext()).newPage();
  await login(supervisor, SUPERVISOR, DEMO_PASSWORD);
  await open(supervisor, "/admin/messages");
  const settings = supervisor.getByRole("form", { name: "Réglages des envois" });
  await settings.getByLabel("Pas d'envoi à partir de").fill("00:00");
  await settings.getByLabel("Reprise des envois à").fill("00:00");
  await settings.getByLabel("Pas d'envoi le vendredi de 12 h à 14 h").uncheck();
  await settings.getByRole("button", { name: "Enregistrer les réglages" }).click();
  await expect(settings.getByRole("alert")).toHaveCount(0);
  await supervisor.context().close();

  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, KARIM);
  await login(page, KARIM, DEMO_PASSWORD);
  await open(page, "/queue");
  await queueRow(page, order.number).click();
  const panel = orderPanel(page, order.number);
  await panel.getByRole("button", { name: "Confirmée", exact: true }).click();
  await panel.getByRole("button", { name: /^Enregistrer/ }).click();
  await expect(queueRow(page, order.number)).toHaveCount(0);

  // The sender runs on the scheduler in production; here the admin runs it once.
  const run = await admin.post("/api/customer-service/jobs/message_sender/run");
  expect(run.ok()).toBeTruthy();
  await open(page, `/orders/${order.id}`);
  const messages = orderPanel(page, order.number).getByRole("list", { name: "Messages envoyés" });
  await expect(async () => {
    await page.reload();
    await expect(messages).toContainText("Reçu", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(messages).toContainText("Confirmée");
  // In the customer's Algerian Arabic: UCS-2, two parts at the mock's 7.50 DA.
  await expect(messages).toContainText("15.00 DA");
  noErrors();
});

test("an agent texts a customer by hand after seeing the cost, and a supervisor finds it on the messaging page", async ({ page, browser, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const order = await orderFor(admin, KARIM);
  await login(page, KARIM, DEMO_PASSWORD);
  await open(page, `/orders/${order.id}`);
  const panel = orderPanel(page, order.number);
  const composer = panel.getByRole("group", { name: "Envoyer un SMS" });
  await expect(composer.getByRole("button", { name: "Envoyer" })).toBeDisabled();
  await composer.getByLabel("Message", { exact: true }).selectOption({ label: "Relance (sans réponse)" });
  // The customer writes Darija: the text is theirs, in Arabic script, so UCS-2, priced before it goes.
  await expect(composer.getByTestId("sms-encoding")).toHaveText("UCS-2");
  await expect(composer.getByTestId("sms-cost")).toHaveText(/^\d+\.\d\d DA$/);
  await expect(composer).toContainText("ما قدرناش نحكموك");
  await composer.getByRole("button", { name: "Envoyer" }).click();
  const messages = panel.getByRole("list", { name: "Messages envoyés" });
  await expect(messages).toContainText("Relance (sans réponse)");
  await expect(composer.getByRole("button", { name: "Envoyer" })).toBeDisabled();
  noErrors();

  const supervisor = await (await browser.newContext()).newPage();
  const supervisorErrors = failOnConsoleErrors(supervisor);
  await login(supervisor, SUPERVISOR, DEMO_PASSWORD);
  await supervisor.getByRole("link", { name: "Envois" }).click();
  await expect(supervisor.getByRole("heading", { name: "Envois aux clients" })).toBeVisible();
  await supervisor.getByLabel("Étape", { exact: true }).selectOption({ label: "Relance (sans réponse)" });
  await supervisor.getByRole("button", { name: "Filtrer" }).click();
  await expect(supervisor).toHaveURL(/step=reminder/);
  const list = supervisor.getByRole("table", { name: /^Messages \(/ });
  await expect(list.getByRole("row").filter({ hasText: order.number })).toHaveCount(1);
  await expect(supervisor.getByRole("table", { name: "Par étape" })).toContainText("Relance (sans réponse)");
  await expect(supervisor.getByTestId("total-messages")).not.toHaveText("0");
  supervisorErrors();
  await supervisor.context().close();
});
