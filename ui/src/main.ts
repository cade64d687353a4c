import { mount } from 'svelte';
import App from './App.svelte';
import { requestStartup } from './lib/workspace.svelte';
import './app.css';

// The first screen's data is asked for before anything is drawn, and the app is mounted when
// it comes (or after FIRST_FRAME_WAIT_MS, whichever is sooner): the window's first frame is
// then the real screen. Mounting an empty frame first cost a whole second frame, which under
// software compositing comes late (the first meaningful paint was ~0.3 s later).
const FIRST_FRAME_WAIT_MS = 300;

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');

const first = requestStartup();
const waited = new Promise((resolve) => setTimeout(resolve, FIRST_FRAME_WAIT_MS));
void Promise.race([first.catch(() => undefined), waited]).then(() => mount(App, { target, props: { first } }));
