/**
 * Integration tests that drive an in-process conductor-vx server only through the official Java
 * client {@code org.conductoross:conductor-client:4.0.10} (MetadataClient, WorkflowClient,
 * TaskClient, TaskRunnerConfigurer, and the client's own HTTP layer for the few endpoints its
 * typed clients lack).
 *
 * <p>Run them with {@code mvn -B test -Dtest='io.conductorvx.client.**'} (note the double star:
 * surefire matches nothing for {@code io.conductorvx.client.*}).
 *
 * <ul>
 *   <li>{@link io.conductorvx.client.ClientTestBase}: one server per test class (port 0,
 *       sweepIntervalMs 100, workflowRecheckSeconds 1), the clients, SDK worker runners that are
 *       shut down after each test, definition builders, unique names.</li>
 *   <li>{@link io.conductorvx.client.Await}: bounded polling (every 25 ms up to a deadline) and
 *       "invariant holds for a while" checks.</li>
 *   <li>{@link io.conductorvx.client.TestWorker}: a {@code Worker} with a 20 ms polling interval,
 *       a fixed identity and a record of every delivery.</li>
 *   <li>{@link io.conductorvx.client.SdkWireBehaviourTest} runs the SDK against a recording stub,
 *       not the server: it pins down what the client sends.</li>
 * </ul>
 */
package io.conductorvx.client;
