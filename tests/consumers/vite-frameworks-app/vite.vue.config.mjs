// Vue + Vite as `npm create vite` sets it up: the plugin and nothing for evs-snapshots.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({ root: 'vue', plugins: [vue()] });
