// One step of neuron i of instance b of population P, for one neuron model (generated per model by
// engine/codegen/spiking-neuron.ts; the kernels that step neurons call it). Takes this step's synaptic
// input from the int32 ring (and clears it), adds Poisson input, runs the model's update code, checks
// the threshold (never while refractory), runs the reset code and stores the state. Returns whether the
// neuron spiked: the caller emits the spike (its list and recorder differ between kernels).
// The model's code is spliced in at the named places; everything else is the engine's. When the run
// checks for numerical faults, the stored state is tested for NaN and infinity (engine/codegen/faults.ts).
// The population's parameters for instance b come as `prm` (its generated struct: the model's parameters,
// derived parameters, then the refractory period in steps), loaded once per population and instance by
// the kernels that step many neurons of one. The fused kernel may keep the state in private memory
// across its steps (private-offset: the neuron's place there; engine/codegen/spiking-neuron.ts).
//!splice params
fn /*!splice name*/(P: PopInfo, b: u32, i: u32, step: u32, prm: /*!splice params-type*//*!splice private-offset*/) -> bool {
  let local = b * P.n + i;
  let g = P.neuron_base + local;
  let slot = step % P.slots;
  //!splice load
  //!splice inputs
  let refrac_left = refrac[g];
  let refractory = refrac_left > 0u;
  //!splice update
  var spiked = false;
  if (!refractory && /*!splice threshold*/) {
    //!splice reset
    refrac[g] = u32(prm.refractory_steps);
    spiked = true;
  } else if (refractory) {
    refrac[g] = refrac_left - 1u;
  }
  //!splice store
  //!splice fault-check
  return spiked;
}
