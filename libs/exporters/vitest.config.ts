import { defineConfig } from 'vitest/config';
import { systemPackagesSetup, vitestConfig } from '../../vitest.shared';

export default defineConfig(vitestConfig('exporters', { globalSetup: [systemPackagesSetup] }));
