// React + Vite as `npm create vite` sets it up: the plugin and nothing for evs-snapshots.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({ root: 'react', plugins: [react()] });
