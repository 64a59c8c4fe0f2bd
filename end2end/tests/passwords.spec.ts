import { expect, test } from "@playwright/test";
import { ADMIN, apiAs, failOnConsoleErrors, login, open } from "./helpers";

test("an admin's reset link sets a new password once, and the user then changes it from their account", async ({ page, browser, baseURL, playwright }) => {
  const noErrors = failOnConsoleErrors(page);
  // a user of this run only: the demo accounts keep their passwords for the other tests
  const admin = await apiAs(playwright.request, baseURL!, ADMIN.email, ADMIN.password);
  const email = `samia.${Date.now()}@e2e.ecomanager.dz`;
  const created = await admin.post("/api/users", {
    data: { email, name: "Samia Ouali", role: "agent", locale: "fr", password: "first-password" },
  });
  expect(created.status()).toBe(201);

  await login(page, ADMIN.email, ADMIN.password);
  await open(page, "/admin/users");
  await page.locator(`tr[data-user-email="${email}"]`).getByRole("button", { name: "Lien de réinitialisation" }).click();
  const shown = page.getByTestId("reset-link");
  await expect(shown).toContainText("usage unique");
  const link = (await shown.locator("code").innerText()).trim();
  expect(link).toContain("/reset-password?token=");

  // Samia opens it in her own browser
  const hers = await browser.newContext();
  const samia = await hers.newPage();
  await open(samia, link);
  await samia.getByLabel("Nouveau mot de passe").fill("second-password");
  await samia.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(samia.getByRole("status")).toContainText("Mot de passe enregistré");
  // a second use of the same link is refused
  await open(samia, link);
  await samia.getByLabel("Nouveau mot de passe").fill("third-password");
  await samia.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(samia.getByRole("alert")).toContainText("déjà utilisé ou expiré");

  await login(samia, email, "second-password");
  await samia.getByTestId("user-name").click();
  await expect(samia.getByRole("heading", { name: "Mon compte", level: 1 })).toBeVisible();
  await samia.getByLabel("Mot de passe actuel").fill("wrong-password");
  await samia.getByLabel("Nouveau mot de passe").fill("third-password");
  await samia.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(samia.getByRole("alert")).toContainText("Le mot de passe actuel est incorrect.");
  await samia.getByLabel("Mot de passe actuel").fill("second-password");
  await samia.getByLabel("Nouveau mot de passe").fill("third-password");
  await samia.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
  await expect(samia.getByRole("status")).toContainText("Vos autres sessions sont fermées.");
  await hers.close();
  await admin.dispose();
  noErrors();
});
