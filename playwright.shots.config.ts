import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

/** `npm run shots`: the screenshots people look at (e2e/shots/), outside `npm test`. */
export default defineConfig({ ...base, testDir: 'e2e/shots', testMatch: '**/*.shots.ts' });
