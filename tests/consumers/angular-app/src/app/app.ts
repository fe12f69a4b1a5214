import { Component, OnInit, signal } from '@angular/core';
import { listSnapshots, type Snapshot } from 'evs-snapshots';

// A same-origin path: the console's proxy forwards /evs to EVS and adds the
// user's token, so the page holds no credential. The project is the mock's.
const config = { projectId: '0c2eba2c5af04d3f9e9d0d410b371fde', endpoint: '/evs' };

@Component({
  selector: 'app-root',
  template: `
    <h1>Snapshots</h1>
    @if (error(); as message) {
      <p id="error">{{ message }}</p>
    } @else if (rows(); as list) {
      <ul id="rows">
        @for (s of list; track s.id) {
          <li>{{ s.id }}</li>
        }
      </ul>
    } @else {
      <p id="loading">Loading…</p>
    }
  `,
})
export class App implements OnInit {
  protected readonly rows = signal<Snapshot[] | null>(null);
  protected readonly error = signal<string | null>(null);

  ngOnInit(): void {
    listSnapshots(config, { limit: 3 }).then(
      (page) => this.rows.set(page.snapshots),
      (e) => this.error.set(`${e.kind}: ${e.message}`),
    );
  }
}
