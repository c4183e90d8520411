import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Clicking through the console's shared pieces (crud.tsx) as a person would, for the page tests. */

/** A form field by its label, with or without the required mark. */
export const field = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);

/** The data of a vendor-client result, after checking it succeeded. */
export const data = <T,>(r: unknown): T => {
  const env = r as { statusCode: number; message: string; data: T };
  expect(env.statusCode, env.message).toBe(200);
  return env.data;
};

export async function go(page: Page, nav: string) {
  await page.getByRole('navigation').getByRole('link', { name: nav, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: nav }).waitFor();
}
export async function save(page: Page) {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
}
export async function remove(page: Page, name: string) {
  await page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}
export const row = (page: Page, text: string) => page.getByRole('row', { name: new RegExp(text) });
