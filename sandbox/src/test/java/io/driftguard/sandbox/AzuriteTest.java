package io.driftguard.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.models.QueueMessageItem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Azurite started from code, with the real azure-data-tables and azure-storage-queue clients against it. */
class AzuriteTest {
  private static Azurite azurite;

  @BeforeAll
  static void start() {
    azurite = Azurite.start();
  }

  @AfterAll
  static void stop() {
    azurite.close();
  }

  @Test
  void storesAndQueriesEntities() {
    TableClient audit = new TableServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
        .createTableIfNotExists("audit");
    TableEntity fix = new TableEntity("func-1", "2026-11-22T10:00:00Z")
        .addProperty("Control", "ftpsState")
        .addProperty("Outcome", "fixed");

    assertEquals(204,
        audit.upsertEntityWithResponse(fix, TableEntityUpdateMode.REPLACE, null, null).getStatusCode());
    audit.upsertEntity(new TableEntity("func-2", "2026-11-22T10:00:01Z").addProperty("Outcome", "notified"));

    List<TableEntity> fixed = audit.listEntities(
        new ListEntitiesOptions().setFilter("Outcome eq 'fixed'"), null, null).stream().toList();
    assertEquals(1, fixed.size());
    assertEquals("func-1", fixed.get(0).getPartitionKey());
    assertEquals("ftpsState", fixed.get(0).getProperty("Control"));
  }

  @Test
  void queuesMessagesOnTheSameAccount() {
    QueueClient sweeps = new QueueClientBuilder().connectionString(azurite.connectionString()).queueName("sweeps")
        .buildClient();
    sweeps.createIfNotExists();

    sweeps.sendMessage("{\"subscription\":\"one\"}");
    QueueMessageItem received = sweeps.receiveMessage();

    assertEquals("{\"subscription\":\"one\"}", received.getBody().toString());
    assertEquals(1, received.getDequeueCount());
  }

  @Test
  void closeEndsTheProcess() {
    Azurite second = Azurite.start();
    int port = second.tablePort();
    assertTrue(childListeningOn(port));

    second.close();

    assertFalse(childListeningOn(port));
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
  }

  @Test
  void aMissingInstallNamesTheInstallCommand(@TempDir Path empty) {
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> Azurite.start(empty));

    assertTrue(error.getMessage().contains("npm install --no-audit --no-fund --no-save --prefix " + empty
        + " azurite@" + Azurite.VERSION), error.getMessage());
  }

  private static boolean childListeningOn(int port) {
    return ProcessHandle.current().descendants().anyMatch(child -> child.info().arguments()
        .map(arguments -> Arrays.asList(arguments).contains(Integer.toString(port)))
        .orElse(false));
  }
}
