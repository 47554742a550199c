// Each test process gets the Temporal runtime at warn level, as the CLI does.
import { installTemporalRuntime } from '../../cli/runtime/temporal-runtime.js';

installTemporalRuntime('warn');
