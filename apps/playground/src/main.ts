/** The playground page: five panels over one shared state (state/app-state.ts). */
import { createAppState } from './state/app-state.ts';
import { connectionPanel } from './ui/connection-panel.ts';
import { exportPanel } from './ui/export-panel.ts';
import { loadPanel } from './ui/load-panel.ts';
import { sourcePanel } from './ui/source-panel.ts';
import { sqlPanel } from './ui/sql-panel.ts';
import { targetPanel } from './ui/target-panel.ts';

const state = createAppState();
const main = document.getElementById('main')!;
main.replaceChildren(
  connectionPanel(state),
  sourcePanel(state),
  targetPanel(state),
  loadPanel(state),
  sqlPanel(state),
  exportPanel(state),
);
