/**
 * Entry of dist/generate.js: `aws-sessions generate <session>` and nothing else, the command every
 * credential_process call runs. The JavaScript shim loads this small bundle instead of the whole CLI
 * (help texts, argument parser, every command), which is start-up time saved on each AWS CLI or SDK
 * credential refresh. Any other command line is handed to the full CLI beside it, unchanged.
 */
import { join } from 'node:path';
import { reportFailure } from './call';
import { EXIT } from './exitCodes';
import { generate } from './generate';
import { useLocaleOf } from './locale';

const args = process.argv.slice(2);
if (args.length === 2 && args[0] === 'generate' && !args[1].startsWith('-')) {
  useLocaleOf(process.env);
  // Written whole (synchronously): exit now, without the orderly teardown of heap and handles the AWS CLI or SDK
  // would wait for on every credential refresh. A reply still in the stream's buffer ends the usual way.
  generate(args[1]).then(
    (written) => {
      if (written) process.exit(EXIT.ok);
    },
    (error: unknown) => reportFailure(error, EXIT.failed),
  );
} else {
  require(join(__dirname, 'cli.js'));
}
