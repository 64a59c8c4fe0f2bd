use dedup::*;
use std::time::Instant;
fn main() {
    let cs = cases(1, 20_000);
    let t = Instant::now();
    let mut n = 0usize;
    for c in &cs {
        n += text(&c.a.name).len() + text(&c.a.address).len();
    }
    println!("text name+addr {:.0} ns", t.elapsed().as_nanos() as f64 / cs.len() as f64);
    let t = Instant::now();
    for c in &cs {
        n += skeleton(&c.a.name).len() + skeleton(&c.a.address).len();
    }
    println!("skeleton name+addr {:.0} ns", t.elapsed().as_nanos() as f64 / cs.len() as f64);
    let t = Instant::now();
    for c in &cs {
        std::hint::black_box(prepare(&c.a));
    }
    println!("prepare {:.0} ns {n}", t.elapsed().as_nanos() as f64 / cs.len() as f64);
}
