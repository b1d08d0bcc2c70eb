import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Built into target/console-dist/console by the Maven build (scripts/build-console.sh), which puts it on the
// classpath as console/: every control-plane node serves it at /console/.
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "../target/console-dist/console",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
