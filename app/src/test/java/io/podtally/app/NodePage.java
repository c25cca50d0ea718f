package io.podtally.app;

import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The node page in a browser as its tests read it: the state badge, the column headers, the rows and their cells. */
final class NodePage {

    private final ChromeDriver driver;

    NodePage(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A wait of at most {@code timeout} that looks every 100 ms. */
    WebDriverWait within(Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100));
    }

    WebElement badge() {
        return driver.findElement(By.id("badge"));
    }

    /** The pod-count state the badge shows ({@code data-state}). */
    String state() {
        return badge().getDomAttribute("data-state");
    }

    /** Whether no pod cell says {@code counting…}. */
    boolean counted() {
        return podCells().stream().noneMatch(text -> text.equals("counting…"));
    }

    /** The badge of {@code cluster} in the cluster switcher. */
    WebElement switcherBadge(String cluster) {
        return driver.findElement(By.cssSelector("#clusters button[data-cluster='" + cluster + "'] .badge"));
    }

    /** The text of the element with id {@code id}. */
    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** The sort button in the header of {@code column}. */
    WebElement header(String column) {
        return driver.findElement(By.cssSelector("th[data-sort='" + column + "'] button"));
    }

    /** The {@code aria-sort} of {@code column}'s header, {@code null} when the table is not sorted by it. */
    String sortOf(String column) {
        return header(column).findElement(By.xpath("..")).getDomAttribute("aria-sort");
    }

    List<WebElement> rows() {
        return driver.findElements(By.cssSelector("#rows tr[data-node]"));
    }

    WebElement rowOf(String node) {
        return driver.findElement(By.cssSelector("#rows tr[data-node='" + node + "']"));
    }

    /** The node names of the rows, top to bottom. */
    List<String> names() {
        return cells("#rows tr[data-node]", "tr => tr.dataset.node");
    }

    /** The text of every pod cell, top to bottom. */
    List<String> podCells() {
        return column("pods");
    }

    /** The text of every cell of {@code column} ({@code data-col}), top to bottom. */
    List<String> column(String column) {
        return cells("#rows td[data-col='" + column + "']", "td => td.textContent");
    }

    @SuppressWarnings("unchecked")
    private List<String> cells(String selector, String text) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(" + text + ")", selector);
    }
}
