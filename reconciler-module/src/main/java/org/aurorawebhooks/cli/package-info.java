/**
 * The operator CLI ({@code java -jar aurora-reconciler.jar COMMAND}): one class per command, the
 * {@code --config} option and configuration loading shared by all ({@code CliContext}), exit codes in
 * {@link org.aurorawebhooks.cli.Main}. Only {@code Main} is an entry point; its output and exit codes
 * are the supported contract, the classes are not.
 */
package org.aurorawebhooks.cli;
