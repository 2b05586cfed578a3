import { describe, expect, it } from 'vitest';
import { isMisleadingBuildLine } from './build-client';

describe('the client build as npm start shows it', () => {
	it("drops SvelteKit's hint to run a preview script this project does not have, coloured or not", () => {
		expect(isMisleadingBuildLine('Run npm run preview to preview your production build locally.')).toBe(true);
		expect(
			isMisleadingBuildLine(
				'Run \x1b[1m\x1b[36mnpm run preview\x1b[39m\x1b[22m to preview your production build locally.'
			)
		).toBe(true);
		expect(isMisleadingBuildLine('✓ built in 3.21s')).toBe(false);
		expect(isMisleadingBuildLine('Wrote site to "build"')).toBe(false);
	});
});
