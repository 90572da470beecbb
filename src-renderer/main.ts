import { mount } from 'svelte';
import App from './App.svelte';
import StartupFailure from './components/StartupFailure.svelte';
import { type Bridge, DesktopBridgeMissing, createBridge } from './lib/bridge.ts';
import './app.css';

const target = document.getElementById('app')!;
let bridge: Bridge | null = null;
try {
  bridge = createBridge();
} catch (error) {
  if (!(error instanceof DesktopBridgeMissing)) throw error;
  mount(StartupFailure, { target, props: { message: error.message } });
}
if (bridge) mount(App, { target, props: { bridge } });
