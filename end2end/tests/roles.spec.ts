import { expect, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, failOnConsoleErrors, login, open } from "./helpers";

test("an agent cannot reach the users page", async ({ page }) => {
  await login(page, "karim.haddad@demo.ecomanager.dz", DEMO_PASSWORD);
  await expect(page.getByRole("link", { name: "Utilisateurs" })).toHaveCount(0);
  await open(page, "/admin/users");
  await expect(page.getByRole("alert")).toHaveText("Vous n'avez pas accès à cette page ou à cette action.");
  await expect(page.getByRole("table")).toHaveCount(0);
});

test("an admin filters, creates and deactivates a user, who is then logged out", async ({ page, browser }) => {
  const noErrors = failOnConsoleErrors(page);
  await login(page, ADMIN.email, ADMIN.password);
  await page.getByRole("link", { name: "Utilisateurs" }).click();
  await expect(page.getByRole("heading", { name: "Utilisateurs", level: 1 })).toBeVisible();

  // Filtering is live (client-side, after hydration).
  await page.getByLabel("Filtrer par nom ou e-mail").fill("sofiane");
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.getByLabel("Filtrer par nom ou e-mail").fill("");

  // A new address each run: the test never depends on what an earlier run left behind.
  const email = `rania.${Date.now()}@e2e.ecomanager.dz`;
  await page.getByLabel("Nom", { exact: true }).fill("Rania Zerrouki");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Mot de passe initial").fill("rania-password");
  await page.getByRole("button", { name: "Créer" }).click();
  await expect(page.getByRole("status")).toHaveText("Utilisateur créé");
  const row = page.locator(`tr[data-user-email="${email}"]`);
  await expect(row).toContainText("Rania Zerrouki");

  // Rania logs in elsewhere, then the admin deactivates her.
  const other = await browser.newContext();
  const rania = await other.newPage();
  await login(rania, email, "rania-password");

  await row.getByRole("button", { name: "Désactiver" }).click();
  await expect(row.getByText("Désactivé")).toBeVisible();

  await rania.reload();
  await rania.waitForURL("/login");
  await other.close();
  noErrors();
});
