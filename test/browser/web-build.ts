// The browser tests serve the same build npm start does (scripts/web-build.ts), rebuilt when web/ changed.
export { buildWebIfStale, webDir } from '../../scripts/web-build.ts';
import { webHandlerPath as handlerIn } from '../../scripts/web-build.ts';

export const webHandlerPath = handlerIn();
