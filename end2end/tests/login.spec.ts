import { expect, test } from "@playwright/test";
import { ADMIN, failOnConsoleErrors, login, open } from "./helpers";

test("an admin logs in, lands on the dashboard and sees the users link", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await login(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tableau de bord");
  await expect(page.getByRole("link", { name: "Utilisateurs" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  noErrors();
});

test("a wrong password shows the translated error in French, then in Arabic", async ({ page }) => {
  await open(page, "/login");
  await page.getByLabel("Adresse e-mail").fill(ADMIN.email);
  await page.getByLabel("Mot de passe", { exact: true }).fill("not the password");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("alert")).toHaveText("E-mail ou mot de passe incorrect.");

  await page.getByRole("button", { name: "العربية" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  // The error already shown switches language with the page.
  await expect(page.getByRole("alert")).toHaveText("البريد الإلكتروني أو كلمة المرور غير صحيحة.");

  await page.getByLabel("البريد الإلكتروني").fill(ADMIN.email);
  await page.getByLabel("كلمة المرور", { exact: true }).fill("still not the password");
  await page.getByRole("button", { name: "دخول" }).click();
  await expect(page.getByRole("alert")).toHaveText("البريد الإلكتروني أو كلمة المرور غير صحيحة.");

  // The choice is remembered: a reload stays Arabic, right to left.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.getByRole("button", { name: "Français" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
});

test("Algerian Arabic is right to left too", async ({ page }) => {
  await open(page, "/login");
  await page.getByRole("button", { name: "الدارجة" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ar-DZ");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByLabel("كلمة السر", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Français" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
});

test("showing the password works once the page is hydrated", async ({ page }) => {
  await open(page, "/login");
  const password = page.getByLabel("Mot de passe", { exact: true });
  await password.fill("secret words");
  await expect(password).toHaveAttribute("type", "password");
  await page.getByRole("button", { name: "Afficher le mot de passe" }).click();
  await expect(password).toHaveAttribute("type", "text");
  await page.getByRole("button", { name: "Masquer le mot de passe" }).click();
  await expect(password).toHaveAttribute("type", "password");
});

test("a user's saved language applies at login", async ({ page }) => {
  // Fatima's saved preference (demo seed) is Arabic.
  await login(page, "fatima.merabet@demo.ecomanager.dz", "demo-password");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { name: "مرحبًا فاطمة الزهراء مرابط" })).toBeVisible();
  await page.getByRole("button", { name: "تسجيل الخروج" }).click();
  await page.waitForURL("/login");
});
