#!/usr/bin/env node
import { cli } from './sizing/cli.js';

process.exitCode = cli(process.argv.slice(2));
