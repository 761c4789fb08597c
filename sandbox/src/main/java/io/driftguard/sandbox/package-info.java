/**
 * A local Azure for tests and the demo: {@link io.driftguard.sandbox.Sandbox} starts an HTTPS fake of ARM for
 * Microsoft.Web sites ({@link io.driftguard.sandbox.FakeArm}), an HTTPS fake of the Azure Monitor Logs Ingestion API
 * ({@link io.driftguard.sandbox.FakeLogsIngestion}) and the App Service managed identity endpoint.
 * {@link io.driftguard.sandbox.Azurite} runs the Azure Storage emulator's Table service, which the build installs.
 *
 * <p>Pointing the Azure SDK at it (azure-resourcemanager-appservice 2.54.1, azure-core-http-jdk-httpclient 1.1.2):
 * <pre>{@code
 * Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints()); // all keys are needed
 * endpoints.put("resourceManagerEndpointUrl", sandbox.armEndpoint().toString());
 * HttpClient http = new JdkHttpClientBuilder(                    // 1.1.2 has no sslContext(...) of its own
 *         java.net.http.HttpClient.newBuilder().sslContext(sandbox.sslContext())).build();
 * WebAppsClient webApps = AppServiceManager.configure().withHttpClient(http)
 *         .authenticate(credential, new AzureProfile(tenantId, subscriptionId, new AzureEnvironment(endpoints)))
 *         .serviceClient().getWebApps();
 * }</pre>
 * (an OkHttp client, as driftguard's, takes {@link io.driftguard.sandbox.Sandbox#trustManager()} instead:
 * {@code new OkHttpClient.Builder().sslSocketFactory(sandbox.sslContext().getSocketFactory(), sandbox.trustManager())})
 * and at the logs ingestion fake (azure-monitor-ingestion 1.1.0):
 * <pre>{@code
 * LogsIngestionClient logs = new LogsIngestionClientBuilder().endpoint(sandbox.logsIngestionEndpoint().toString())
 *         .credential(credential).httpClient(http).buildClient();
 * logs.upload(sandbox.logs().dcrImmutableId(), sandbox.logs().streamName(), rows);
 * }</pre>
 * {@code ManagedIdentityCredential} reads {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} from the process
 * environment only (MSAL4J calls {@code System.getenv}), so it works against the sandbox in a child process given
 * {@link io.driftguard.sandbox.Sandbox#identityEndpoint()} and {@link io.driftguard.sandbox.Sandbox#identityHeader()},
 * with {@code -Djavax.net.ssl.trustStore=}{@link io.driftguard.sandbox.Sandbox#trustStore()} and
 * {@code -Djavax.net.ssl.trustStorePassword=changeit}.
 */
package io.driftguard.sandbox;
