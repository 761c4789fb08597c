package io.driftguard.record;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import io.driftguard.config.Settings.StorageTarget;
import io.driftguard.state.EndpointPinPolicy;
import java.net.URI;

/** The tables driftguard keeps in the Functions storage account; created on first use. */
public final class TableStorage {

  static final String AUDIT_TABLE = "DriftguardAudit";
  static final String FLAPPING_TABLE = "DriftguardFlapping";
  static final String SWEEPS_TABLE = "DriftguardSweeps";

  private final TableServiceClient service;

  private TableStorage(TableServiceClient service) {
    this.service = service;
  }

  /** A connection string as is; a table service URI with driftguard's own identity (no account key). */
  public static TableStorage connect(StorageTarget target, TokenCredential credential, HttpClient httpClient,
                                     ExponentialBackoffOptions backoff) {
    TableServiceClientBuilder builder = new TableServiceClientBuilder().retryOptions(new RetryOptions(backoff));
    if (httpClient != null) {
      builder.httpClient(httpClient);
    }
    if (target.connectionString().isPresent()) {
      builder.connectionString(target.connectionString().get());
    } else {
      builder.endpoint(target.tableServiceUri().orElseThrow().toString()).credential(credential);
    }
    // The endpoint as the builder resolved it (a connection string names it too): requests go there and nowhere else.
    builder.addPolicy(new EndpointPinPolicy(URI.create(builder.buildClient().getServiceEndpoint())));
    return new TableStorage(builder.buildClient());
  }

  TableClient table(String name) {
    service.createTableIfNotExists(name);
    return service.getTableClient(name);
  }
}
